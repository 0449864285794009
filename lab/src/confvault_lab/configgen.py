"""Deterministic, realistic device configurations and version outputs for the lab.

The lab's SSH server calls these functions; tests and benchmarks use them to know what a device
holds. Every function is pure: the same arguments give the same text in any process.
"""

from __future__ import annotations

from datetime import datetime

from confvault_lab.errors import LabError
from confvault_lab.platforms import BY_NAME, NAMES, platform_named

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

PLATFORMS: tuple[str, ...] = NAMES
MIN_SIZE = 2_000
MAX_SIZE = 2_000_000

CONFIG_COMMANDS: dict[str, tuple[str, ...]] = {
    name: platform.config_commands for name, platform in BY_NAME.items()
}
VERSION_COMMANDS: dict[str, tuple[str, ...]] = {
    name: platform.version_commands for name, platform in BY_NAME.items()
}


def generate_body(platform: str, device: str, size: int = 20_000) -> str:
    """The device's configuration body, about ``size`` bytes (2 KB .. 2 MB), secrets planted."""
    generator = platform_named(platform)
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise LabError(f"{device}: config size {size} is outside {MIN_SIZE}..{MAX_SIZE} bytes")
    return generator.generate_body(device, size)


def render_config(platform: str, device: str, body: str, now: datetime, session_no: int) -> str:
    """Full output of the configuration command: volatile header, body, end marker."""
    return platform_named(platform).config_text(device, body, now, session_no)


def render_version(platform: str, device: str, now: datetime, boot_time: datetime) -> str:
    """Output of the version command, with uptime derived from ``boot_time``."""
    return platform_named(platform).version_text(device, now, boot_time)


def mutate_body(platform: str, body: str, n: int) -> str:
    """The n-th small realistic edit of ``body`` (a description change or one more static route)."""
    return platform_named(platform).mutate_body(body, n)


def planted_secrets(platform: str, device: str) -> tuple[str, ...]:
    """Secret values present in every body generated for ``device``, whatever its size."""
    return platform_named(platform).planted_secrets(device)
