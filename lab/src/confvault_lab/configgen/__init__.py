"""Deterministic, realistic device configurations and version outputs for the lab.

The lab's SSH server calls these functions; tests and benchmarks use them to know what a device
holds. Every function is pure: the same arguments give the same text in any process.
"""

from __future__ import annotations

from datetime import datetime

from confvault_lab.configgen import (
    _common,
    arista_eos,
    cisco_ios,
    cisco_nxos,
    cisco_xr,
    hp_comware,
    huawei,
    juniper_junos,
    mikrotik_routeros,
)
from confvault_lab.configgen._spec import PlatformGenerator
from confvault_lab.errors import LabError

__all__ = [
    "CONFIG_COMMANDS",
    "PLATFORMS",
    "VERSION_COMMANDS",
    "generate_body",
    "mutate_body",
    "planted_secrets",
    "render_config",
    "render_version",
]

MIN_SIZE = 2_000
MAX_SIZE = 2_000_000

_GENERATORS: dict[str, PlatformGenerator] = {
    module.GENERATOR.name: module.GENERATOR
    for module in (
        cisco_ios,
        cisco_nxos,
        cisco_xr,
        arista_eos,
        juniper_junos,
        huawei,
        mikrotik_routeros,
        hp_comware,
    )
}

PLATFORMS: tuple[str, ...] = tuple(_GENERATORS)
CONFIG_COMMANDS: dict[str, tuple[str, ...]] = {
    name: gen.config_commands for name, gen in _GENERATORS.items()
}
VERSION_COMMANDS: dict[str, tuple[str, ...]] = {
    name: gen.version_commands for name, gen in _GENERATORS.items()
}


def _generator(platform: str) -> PlatformGenerator:
    try:
        return _GENERATORS[platform]
    except KeyError:
        known = ", ".join(PLATFORMS)
        raise LabError(f"unknown lab platform {platform!r} (known: {known})") from None


def generate_body(platform: str, device: str, size: int = 20_000) -> str:
    """The device's configuration body, about ``size`` bytes (2 KB .. 2 MB), secrets planted."""
    generator = _generator(platform)
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise LabError(f"{device}: config size {size} is outside {MIN_SIZE}..{MAX_SIZE} bytes")
    return generator.generate_body(device, size)


def render_config(platform: str, device: str, body: str, now: datetime, session_no: int) -> str:
    """Full output of the configuration command: volatile header, body, end marker."""
    return _generator(platform).render_config(device, body, now, session_no)


def render_version(platform: str, device: str, now: datetime, boot_time: datetime) -> str:
    """Output of the version command, with uptime derived from ``boot_time``."""
    return _generator(platform).render_version(device, now, boot_time)


def mutate_body(platform: str, body: str, n: int) -> str:
    """The n-th small realistic edit of ``body`` (a description change or one more static route)."""
    return _common.edit_body(platform, body, n, _generator(platform).edits)


def planted_secrets(platform: str, device: str) -> tuple[str, ...]:
    """Secret values present in every body generated for ``device``, whatever its size."""
    return _generator(platform).planted_secrets(device)
