"""Platform lookup by netmiko device_type or alias, from the platform modules of this package.

A platform module is one whose module-level ``PLATFORM`` is a ``Platform``: adding a platform is
adding one file here. Helper modules (spec, clean, common, this one) have no ``PLATFORM``.

A project may bring its own platforms (data files, read by the inventory package): they are in use
only inside ``project_platforms()``, for one run, and the built-ins are back when it ends.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from confvault.errors import UnknownPlatformError
from confvault.platforms.spec import Platform

PACKAGE = __name__.rpartition(".")[0]


def discover(package: str) -> tuple[Platform, ...]:
    """The ``PLATFORM`` of every module directly in ``package``, in module-name order."""
    # The package may still be importing us: its __path__ is set before its __init__ runs.
    path = importlib.import_module(package).__path__
    found: list[Platform] = []
    for module_info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        qualified = f"{package}.{module_info.name}"
        if module_info.ispkg or module_info.name.startswith("_") or qualified == __name__:
            continue
        exported = getattr(importlib.import_module(qualified), "PLATFORM", None)
        if exported is None:
            continue
        if not isinstance(exported, Platform):
            # A bug in confvault: fail at import, not when a device of the platform is read.
            raise TypeError(f"{qualified}.PLATFORM is a {type(exported).__name__}, not a Platform")
        found.append(exported)
    return tuple(found)


def index(platforms: tuple[Platform, ...]) -> dict[str, Platform]:
    """Every name and alias -> its platform; a name claimed twice is refused."""
    by_name: dict[str, Platform] = {}
    for platform in platforms:
        for key in (platform.name, *platform.aliases):
            if key in by_name:  # two modules claiming one name is a bug: fail at import
                raise ValueError(f"platform name {key!r} declared twice")
            by_name[key] = platform
    return by_name


PLATFORMS: tuple[Platform, ...] = discover(PACKAGE)
_BUILT_IN = (PLATFORMS, index(PLATFORMS))
# Module-level, not a context variable: the runner's worker threads must see the run's platforms.
_active = _BUILT_IN
_switch = threading.Lock()


def with_project_platforms(extra: Sequence[Platform]) -> tuple[Platform, ...]:
    """The built-ins, each replaced by the project platform of its name, plus the other project
    platforms; a name or alias claimed twice raises ``ValueError``."""
    replaced = {p.name for p in extra}
    return (*(p for p in PLATFORMS if p.name not in replaced), *extra)


@contextmanager
def project_platforms(extra: Sequence[Platform]) -> Iterator[None]:
    """Inside: ``get_platform`` and ``platform_names`` know the project's platforms too."""
    global _active
    platforms = with_project_platforms(extra)
    chosen = (platforms, index(platforms))
    with _switch:
        previous, _active = _active, chosen
    try:
        yield
    finally:
        with _switch:
            _active = previous


def platform_names() -> tuple[str, ...]:
    """The canonical names (netmiko device_types for the built-ins), sorted."""
    return tuple(sorted(p.name for p in _active[0]))


def get_platform(name: str) -> Platform:
    """The platform called ``name`` or one of its aliases (case and surrounding blanks ignored)."""
    platforms, by_name = _active
    platform = by_name.get(name.strip().lower())
    if platform is None:
        aliases = sorted(alias for p in platforms for alias in p.aliases)
        raise UnknownPlatformError(
            f"unknown platform {name!r}; known platforms: {', '.join(platform_names())} "
            f"(aliases: {', '.join(aliases)})"
        )
    return platform
