"""The crash journal: what a commit in progress was doing, so the next run can finish it.

It is written (and flushed) before the branch moves and removed once the work tree and the index
match the new commit. Finding it at start means the previous process died somewhere in between.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from confvault.errors import RepoError


@dataclass(frozen=True, slots=True)
class Journal:
    """A commit in flight: the branch moves from ``old`` to ``new`` touching ``paths``."""

    old_commit: str | None
    new_commit: str
    paths: tuple[str, ...]
    pid: int

    def to_json(self) -> str:
        return json.dumps(
            {"old": self.old_commit, "new": self.new_commit, "paths": self.paths, "pid": self.pid}
        )


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_journal(path: Path, journal: Journal) -> None:
    """Write atomically and durably: a half-written journal must never be read back."""
    temp = path.with_suffix(".tmp")
    with temp.open("w", encoding="utf-8") as handle:
        handle.write(journal.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    temp.replace(path)
    fsync_directory(path.parent)


def read_journal(path: Path) -> Journal | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Journal(
            old_commit=raw["old"],
            new_commit=str(raw["new"]),
            paths=tuple(str(p) for p in raw["paths"]),
            pid=int(raw["pid"]),
        )
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as error:
        raise RepoError(f"unreadable crash journal {path}: {error}; remove it by hand") from None


def remove_journal(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
