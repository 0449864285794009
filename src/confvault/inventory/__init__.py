"""The device inventory: Nornir SimpleInventory files, validated whole before any connection.

This package never imports nornir: the runner rebuilds a nornir inventory from ``Device`` objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from confvault.errors import ConfigError
from confvault.inventory.build import Resolver, build_device, check_host_name
from confvault.inventory.fields import Fields, check_element
from confvault.inventory.model import Inventory
from confvault.inventory.platform_files import platforms_of_project
from confvault.inventory.problems import InventoryProblemsError, Problems
from confvault.inventory.source import read_inventory_files, read_nornir_config
from confvault.models import Device

__all__ = ["Inventory", "InventoryProblemsError", "load_inventory", "platforms_of_project"]


def load_inventory(nornir_config: Path, *, env: Mapping[str, str]) -> Inventory:
    """Read and validate the whole inventory named by ``nornir.yaml``.

    Raises ``InventoryProblemsError`` (an ``InventoryError``) listing every problem, one line each,
    naming file, line, host or group, and field. No message ever contains a credential.
    """
    try:
        files = read_nornir_config(nornir_config)
    except ConfigError as exc:
        raise InventoryProblemsError((str(exc),)) from None
    problems = Problems()
    raw = read_inventory_files(files, problems)
    problems.raise_if_any()  # a file that does not parse would only cause confusing follow-ups

    groups = {name: check_element(g, env, problems) for name, g in raw.groups.items()}
    defaults = check_element(raw.defaults, env, problems)
    hosts = [check_element(h, env, problems) for h in raw.hosts]
    resolver = Resolver(groups, defaults, problems)

    devices: list[Device] = []
    for host in hosts:
        named_ok = check_host_name(host, problems)
        device = build_device(host, resolver, problems)
        if device is not None and named_ok:
            devices.append(device)
    _check_case_clashes(hosts, problems)
    problems.raise_if_any()
    return Inventory(devices=tuple(devices))


def _check_case_clashes(hosts: list[Fields], problems: Problems) -> None:
    """``R1`` and ``r1`` would share one archive file on a case-insensitive file system."""
    seen: dict[str, str] = {}
    for host in hosts:
        name = host.element.name
        first = seen.setdefault(name.casefold(), name)
        if first != name:
            element = host.element
            problems.add(
                f"{element.where}:{element.line}: host {name!r}: name: differs from host "
                f"{first!r} only in letter case (their archive files would clash)"
            )
