"""A person's uncommitted change to a device file holds back that one device, not the run.

The advice never names a command that deletes a configuration: a file deleted by hand is
brought back, never committed as deleted.
"""

from __future__ import annotations

import shlex
from dataclasses import replace
from pathlib import Path

from confvault.models import CollectResult, ErrorClass


def advice(archive: Path, path: str, kind: str) -> str:
    """What to do about a person's change to a device file, as one sentence."""
    git = f"git -C {shlex.quote(str(archive))}"
    quoted = shlex.quote(path)
    if kind == "deleted":
        return (
            f"archive file {path} was deleted by hand and not committed; held back: bring the "
            f"archived copy back with '{git} restore --staged --worktree -- {quoted}'"
        )
    if kind in ("untracked", "added"):
        return (
            f"archive file {path} was put there by hand and is not committed; held back, not "
            f"overwritten: move it out of the archive, or keep it with "
            f"'{git} add -- {quoted}' and '{git} commit -- {quoted}'"
        )
    return (
        f"archive file {path} has an uncommitted change not made by confvault ({kind}); held "
        f"back, not overwritten: keep it with '{git} commit -- {quoted}', or go back to the "
        f"archived copy with '{git} restore --staged --worktree -- {quoted}'"
    )


def hold_back(result: CollectResult, archive: Path, path: str, kind: str) -> CollectResult:
    """The device's result as a SUSPECT failure that names the person's change."""
    return replace(
        result, config=None, error_class=ErrorClass.SUSPECT, message=advice(archive, path, kind)
    )
