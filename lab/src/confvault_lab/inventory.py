"""Write a ready Nornir SimpleInventory for a running lab, with no password in it.

Credentials are references (``${CONFVAULT_LAB_PASSWORD}``) that confvault's inventory loader
resolves from the environment; ``credentials_env`` gives the variables a client must set.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from confvault_lab.device import LabDevice
from confvault_lab.errors import LabError
from confvault_lab.spec import Credentials, LabSpec

PASSWORD_VAR = "CONFVAULT_LAB_PASSWORD"  # noqa: S105 - a variable name, not a password
ENABLE_VAR = "CONFVAULT_LAB_ENABLE"


def _env_suffix(group: str) -> str:
    if group == "lab":
        return ""
    return "_" + re.sub(r"[^A-Z0-9]", "_", group.removeprefix("lab-").upper())


def credentials_env(spec: LabSpec) -> dict[str, str]:
    """Environment variables (name -> value) that the written inventory refers to."""
    env: dict[str, str] = {}
    for group, credentials in spec.credential_groups.items():
        suffix = _env_suffix(group)
        env[PASSWORD_VAR + suffix] = credentials.password
        env[ENABLE_VAR + suffix] = credentials.enable
    return env


def _group_entry(group: str, credentials: Credentials) -> dict[str, Any]:
    suffix = _env_suffix(group)
    entry: dict[str, Any] = {
        "username": credentials.username,
        "password": f"${{{PASSWORD_VAR}{suffix}}}",
        "connection_options": {
            "netmiko": {"extras": {"secret": f"${{{ENABLE_VAR}{suffix}}}"}},
        },
    }
    return entry


def write_inventory(spec: LabSpec, devices: list[LabDevice], directory: Path) -> None:
    groups_of = {d.name: d.group for d in spec.devices}
    hosts = {
        d.name: {
            "hostname": d.address,
            "port": d.port,
            "platform": d.platform,
            "groups": [groups_of[d.name]],
            "data": {"provider": d.provider, "active": True},
        }
        for d in devices
    }
    for spec_device in spec.devices:
        if spec_device.transport == "telnet" and spec_device.name in hosts:
            # a host's extras replace its group's whole (nornir), so the secret comes along
            extras = {
                "secret": f"${{{ENABLE_VAR}{_env_suffix(spec_device.group)}}}",
                "transport": "telnet",
            }
            hosts[spec_device.name]["connection_options"] = {"netmiko": {"extras": extras}}
    groups = {g: _group_entry(g, c) for g, c in spec.credential_groups.items()}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for filename, content in (
            ("hosts.yaml", hosts),
            ("groups.yaml", groups),
            ("defaults.yaml", {"data": {"lab": True}}),
        ):
            (directory / filename).write_text(
                yaml.safe_dump(content, sort_keys=False), encoding="utf-8"
            )
    except OSError as error:
        raise LabError(f"{directory}: cannot write the inventory ({error.strerror})") from None
