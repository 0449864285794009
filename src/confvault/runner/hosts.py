"""Turn validated devices into a Nornir inventory: the only place nornir sees credentials."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nornir.core.configuration import Config
from nornir.core.inventory import (
    ConnectionOptions,
    Defaults,
    Groups,
    Host,
    Hosts,
    Inventory,
)

from confvault.models import Device, Secret
from confvault.runner.connection import LEGACY_EXTRA, TELNET_EXTRA, FastNetmiko
from confvault.runner.dialogue import CliSession
from confvault.runner.jump import JUMP_HOST
from confvault.runner.legacy import LEGACY_OPTION, disabled_algorithms

CONNECTION_NAME = "netmiko"  # nornir-netmiko's connection plugin name
_DEVICE_KEY = "confvault_device"  # nornir's host data carries the Device it was built from
TRANSPORT = "transport"  # extras: ssh (the default) or telnet
CONFVAULT_OPTIONS = (JUMP_HOST, LEGACY_OPTION, TRANSPORT)  # confvault's own, never netmiko's


def device_of(host: Host) -> Device:
    """The confvault Device a Nornir host of :func:`build_inventory` stands for."""
    device = host.data.get(_DEVICE_KEY)
    if not isinstance(device, Device):
        raise TypeError(f"{host.name}: not a host of confvault's inventory")
    return device


def netmiko_extras(device: Device, timeout: float) -> dict[str, Any]:
    """Keyword arguments nornir-netmiko hands to netmiko's ConnectHandler for this device."""
    connect_timeout = max(1.0, min(10.0, timeout))
    extras: dict[str, Any] = {
        "fast_cli": True,
        "conn_timeout": connect_timeout,
        "banner_timeout": connect_timeout,
        "auth_timeout": connect_timeout,
        "blocking_timeout": connect_timeout,
        "session_timeout": timeout,
        # A device lab or a jump host never offers keys from ~/.ssh; do not try them (slow, noisy).
        "allow_agent": False,
        "use_keys": False,
    }
    for key, value in device.connect_options.items():
        if key in CONFVAULT_OPTIONS:
            continue  # used by confvault's runner, unknown to netmiko
        # The inventory's own choices (keys, agent, timeouts...) win over confvault's defaults.
        extras[key] = value.reveal() if isinstance(value, Secret) else value
    legacy = device.connect_options.get(LEGACY_OPTION) is True
    chosen = device.connect_options.get("disabled_algorithms")
    extras["disabled_algorithms"] = disabled_algorithms(legacy, chosen)
    if legacy:
        extras[LEGACY_EXTRA] = True
    if device.connect_options.get(TRANSPORT) == "telnet":
        extras[TELNET_EXTRA] = True
    if device.enable_secret is not None:
        extras["secret"] = device.enable_secret.reveal()
    return extras


class CollectHost(Host):
    """A Nornir host whose ``netmiko`` connection is ``FastNetmiko``.

    nornir-netmiko's tasks ask for the connection by the fixed name ``netmiko``; opening it here
    swaps in the tuned plugin without touching Nornir's process-wide plugin registry.
    """

    __slots__ = ()

    def get_connection(self, connection: str, configuration: Config) -> Any:
        if connection == CONNECTION_NAME and connection not in self.connections:
            params = self.get_connection_parameters(connection)
            plugin = FastNetmiko()
            plugin.open(
                hostname=params.hostname,
                username=params.username,
                password=params.password,
                port=params.port,
                platform=params.platform,
                extras=params.extras,
                configuration=configuration,
            )
            self.connections[connection] = plugin
        return super().get_connection(connection, configuration)


def open_session(host: Host, configuration: Config) -> CliSession:
    """Log in to the host (through its ``FastNetmiko`` connection) and return its CLI session."""
    host.get_connection(CONNECTION_NAME, configuration)
    plugin = host.connections[CONNECTION_NAME]
    if not isinstance(plugin, FastNetmiko):
        raise TypeError(f"{host.name}: the {CONNECTION_NAME!r} connection is not confvault's")
    return plugin.session


def build_inventory(devices: Sequence[Device], timeout: float) -> Inventory:
    hosts = Hosts()
    for device in devices:
        hosts[device.name] = CollectHost(
            name=device.name,
            hostname=device.hostname,
            port=device.port,
            username=device.username,
            password=device.password.reveal(),
            platform=device.platform,
            data={_DEVICE_KEY: device},
            connection_options={
                CONNECTION_NAME: ConnectionOptions(extras=netmiko_extras(device, timeout))
            },
        )
    return Inventory(hosts=hosts, groups=Groups(), defaults=Defaults())
