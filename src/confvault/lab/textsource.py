"""The lab's single door to ``confvault.lab.configgen`` (configuration and version text).

configgen is written in parallel; until it is committed a tiny stand-in keeps the lab usable.
Everything else in the lab imports text functions from here only.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Protocol, cast


class _ConfigGen(Protocol):
    CONFIG_COMMANDS: dict[str, tuple[str, ...]]
    VERSION_COMMANDS: dict[str, tuple[str, ...]]

    def generate_body(self, platform: str, device: str, size: int) -> str: ...

    def render_config(
        self, platform: str, device: str, body: str, now: datetime, session_no: int
    ) -> str: ...

    def render_version(
        self, platform: str, device: str, now: datetime, boot_time: datetime
    ) -> str: ...

    def mutate_body(self, platform: str, body: str, n: int) -> str: ...


class _StandIn:
    """Minimal deterministic text until configgen lands (TEMPORARY)."""

    CONFIG_COMMANDS: dict[str, tuple[str, ...]] = {
        "cisco_ios": ("show running-config",),
        "cisco_nxos": ("show running-config",),
        "cisco_xr": ("show running-config",),
        "arista_eos": ("show running-config",),
        "juniper_junos": ("show configuration", "show configuration | display set"),
        "huawei": ("display current-configuration",),
        "mikrotik_routeros": ("/export",),
        "hp_comware": ("display current-configuration",),
    }
    VERSION_COMMANDS: dict[str, tuple[str, ...]] = {
        "cisco_ios": ("show version",),
        "cisco_nxos": ("show version",),
        "cisco_xr": ("show version",),
        "arista_eos": ("show version",),
        "juniper_junos": ("show version",),
        "huawei": ("display version",),
        "mikrotik_routeros": ("/system resource print",),
        "hp_comware": ("display version",),
    }

    def generate_body(self, platform: str, device: str, size: int) -> str:
        lines: list[str] = []
        total = 0
        i = 0
        while total < size:
            if platform == "juniper_junos":
                line = f"    description-{i} {device}-port-{i};"
            elif platform == "mikrotik_routeros":
                line = f'add name=ether{i} comment="{device} port {i}"'
            else:
                line = f"interface Port{i}\n description {device} port {i}"
            lines.append(line)
            total += len(line) + 1
            i += 1
        return "\n".join(lines)

    def render_config(
        self, platform: str, device: str, body: str, now: datetime, session_no: int
    ) -> str:
        if platform == "juniper_junos":
            return f"## Last commit: {now:%Y-%m-%d %H:%M:%S} UTC by admin\nsystem {{\n{body}\n}}"
        if platform == "mikrotik_routeros":
            return f"# {now:%Y-%m-%d %H:%M:%S} by RouterOS 7.12.1\n# software id = LAB\n{body}"
        if platform == "cisco_nxos":
            return f"!Command: show running-config\n!Time: {now:%c}\n{body}"
        end = "return" if platform in ("huawei", "hp_comware") else "end"
        return f"! session {session_no}\n{body}\n{end}"

    def render_version(self, platform: str, device: str, now: datetime, boot_time: datetime) -> str:
        return f"{device} uptime is {(now - boot_time).days} days\nLab software 1.0"

    def mutate_body(self, platform: str, body: str, n: int) -> str:
        marker = f"lab-edit-{n}"
        if platform == "juniper_junos":
            return f"{body}\n    {marker};"
        if platform == "mikrotik_routeros":
            return f"{body}\nadd name={marker}"
        return f"{body}\n! {marker}"


def _load() -> _ConfigGen:
    try:
        module = importlib.import_module("confvault.lab.configgen")
    except ImportError:  # TEMPORARY while configgen is still being written
        return _StandIn()
    return cast("_ConfigGen", module)


GEN: _ConfigGen = _load()
