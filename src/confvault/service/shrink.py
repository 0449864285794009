"""The shrink guard: a configuration less than half its archived size is held back.

A device that answers with a fraction of its configuration (a truncated session the platform's
end-marker check could not see, a wiped box) would otherwise replace a good archived copy.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from confvault.models import CollectResult, Device, ErrorClass

SHRINK_RATIO = 0.5


def guard_shrink(
    result: CollectResult, device: Device, work_tree: Path, accepted: Collection[str]
) -> CollectResult:
    """The result, or a SUSPECT failure when its config is < 50 % of the archived copy."""
    if not result.ok or result.config is None or device.accept_shrink or device.name in accepted:
        return result
    try:
        archived = (work_tree / device.archive_path).stat().st_size
    except FileNotFoundError:
        return result  # first backup of this device: nothing to compare with
    new = len(result.config.encode("utf-8"))
    if new >= SHRINK_RATIO * archived:
        return result
    return replace(
        result,
        config=None,
        error_class=ErrorClass.SUSPECT,
        message=(
            f"configuration shrank from {archived} to {new} bytes (under half the archived copy); "
            f"held back: run with --accept-shrink {device.name} if the change is real"
        ),
    )
