"""Per-platform knowledge as data: what to run on a device and how to clean what it returns.

Imports nothing beyond the standard library, ``confvault.models`` and ``confvault.errors``.
"""

from __future__ import annotations

from confvault.platforms.clean import clean
from confvault.platforms.registry import (
    PLATFORMS,
    get_platform,
    platform_names,
    project_platforms,
    with_project_platforms,
)
from confvault.platforms.spec import (
    Command,
    Dialogue,
    LineRule,
    OutputRejected,
    Platform,
    drop,
    mask,
)

__all__ = [
    "PLATFORMS",
    "Command",
    "Dialogue",
    "LineRule",
    "OutputRejected",
    "Platform",
    "clean",
    "drop",
    "get_platform",
    "mask",
    "platform_names",
    "project_platforms",
    "with_project_platforms",
]
