"""The simulated platforms: one module each in this package, found when the lab is imported.

Adding a platform is adding one module here that defines ``PLATFORM`` (a ``LabPlatform``) and is
named after its netmiko device_type; nothing lists the modules.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from confvault_lab.errors import LabError
from confvault_lab.lab_platform import LabPlatform


def _discover() -> dict[str, LabPlatform[Any]]:
    found: dict[str, LabPlatform[Any]] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        platform = module.PLATFORM
        if not isinstance(platform, LabPlatform) or platform.name != module_info.name:
            raise LabError(f"{module.__name__}: PLATFORM must be the LabPlatform named after it")
        found[platform.name] = platform
    return found


BY_NAME: dict[str, LabPlatform[Any]] = _discover()
NAMES: tuple[str, ...] = tuple(BY_NAME)


def platform_named(name: str) -> LabPlatform[Any]:
    try:
        return BY_NAME[name]
    except KeyError:
        raise LabError(f"unknown lab platform {name!r} (known: {', '.join(NAMES)})") from None
