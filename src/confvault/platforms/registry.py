"""Platform lookup by netmiko device_type or alias. A plain dict, built once from a tuple."""

from __future__ import annotations

from confvault.errors import UnknownPlatformError
from confvault.platforms.arista_eos import ARISTA_EOS
from confvault.platforms.cisco_ios import CISCO_IOS
from confvault.platforms.cisco_nxos import CISCO_NXOS
from confvault.platforms.cisco_xr import CISCO_XR
from confvault.platforms.hp_comware import HP_COMWARE
from confvault.platforms.huawei import HUAWEI
from confvault.platforms.juniper_junos import JUNIPER_JUNOS
from confvault.platforms.mikrotik_routeros import MIKROTIK_ROUTEROS
from confvault.platforms.spec import Platform

PLATFORMS: tuple[Platform, ...] = (
    ARISTA_EOS,
    CISCO_IOS,
    CISCO_NXOS,
    CISCO_XR,
    HP_COMWARE,
    HUAWEI,
    JUNIPER_JUNOS,
    MIKROTIK_ROUTEROS,
)


def _index(platforms: tuple[Platform, ...]) -> dict[str, Platform]:
    index: dict[str, Platform] = {}
    for platform in platforms:
        for key in (platform.name, *platform.aliases):
            if key in index:  # two modules claiming one name is a bug: fail at import
                raise ValueError(f"platform name {key!r} declared twice")
            index[key] = platform
    return index


_BY_NAME = _index(PLATFORMS)


def platform_names() -> tuple[str, ...]:
    """The canonical names (netmiko device_types), sorted."""
    return tuple(sorted(p.name for p in PLATFORMS))


def get_platform(name: str) -> Platform:
    """The platform called ``name`` or one of its aliases (case and surrounding blanks ignored)."""
    platform = _BY_NAME.get(name.strip().lower())
    if platform is None:
        aliases = sorted(alias for p in PLATFORMS for alias in p.aliases)
        raise UnknownPlatformError(
            f"unknown platform {name!r}; known platforms: {', '.join(platform_names())} "
            f"(aliases: {', '.join(aliases)})"
        )
    return platform
