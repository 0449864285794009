"""Which archive a run belongs to: an id kept inside the archive, so it survives moving the folder.

Written once, on the first run that needs it, as ``.git/confvault/archive-id``; a copy of the
archive (a restored backup) keeps the id, which is right: it is the same history.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from confvault.errors import RepoError

ID_FILE = "archive-id"


def read_archive_id(git_dir: Path) -> str | None:
    """The archive's id, or None when it has none yet or cannot be read (read-only use)."""
    try:
        text = (git_dir / "confvault" / ID_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text or None


def archive_id(git_dir: Path) -> str:
    """The archive's id, created on first use (under the run lock, so by one process)."""
    found = read_archive_id(git_dir)
    if found is not None:
        return found
    new_id = uuid.uuid4().hex
    target = git_dir / "confvault" / ID_FILE
    temporary = target.with_suffix(".tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("w", encoding="ascii") as handle:
            handle.write(new_id + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise RepoError(f"cannot write the archive id {target}: {error.strerror}") from None
    return new_id
