"""``confvault hostkey accept``: trust the host key one device presents now (after a replacement).

A new file beside the other service modules; it only wires the inventory to the runner.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from confvault.errors import ConfigError
from confvault.inventory import load_inventory, platforms_of_project
from confvault.runner import HostKeyCheck, netmiko_device_types
from confvault.runner.hostkeys import accept_device_key
from confvault.settings import Settings


@dataclass(frozen=True, slots=True)
class AcceptedKey:
    device: str
    name: str  # the device's name in known_hosts ("[host]:port" off port 22)
    fingerprint: str
    replaced: tuple[str, ...]  # fingerprints of the keys it replaced
    file: str


def accept_host_key(
    settings: Settings, device_name: str, *, env: Mapping[str, str] | None = None
) -> AcceptedKey:
    """Fetch the device's current host key and make it the only one known for the device."""
    with platforms_of_project(settings.platforms_dir, netmiko_device_types()):
        return _accept(settings, device_name, os.environ if env is None else env)


def _accept(settings: Settings, device_name: str, env: Mapping[str, str]) -> AcceptedKey:
    inventory = load_inventory(settings.nornir_config, env=env)
    known = {d.name: d for d in inventory.devices}
    device = known.get(device_name)
    if device is None:
        raise ConfigError(f"hostkey accept: no device {device_name!r} in the inventory")
    check = HostKeyCheck(settings.host_keys, settings.known_hosts_file)
    name, fingerprint, replaced = accept_device_key(
        check, device.hostname, device.port, device.platform, min(settings.timeout, 10.0)
    )
    return AcceptedKey(device.name, name, fingerprint, tuple(replaced), str(check.file))
