"""A disk that cannot take a write ends a run with one line and exit 3, never a traceback.

The run's own write points (lock, archive id, status journal) name what they were writing; this
catches the same failures anywhere else on the run path (git's stage folder, the database folder).
"""

from __future__ import annotations

import errno
import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from confvault.errors import ConfvaultError

P = ParamSpec("P")
R = TypeVar("R")

# Full disk, quota, read-only file system, failing disk.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO})


class StorageError(ConfvaultError):
    """A write the run needs was refused by the disk (exit 3)."""


def storage_errors_in_one_line(function: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except OSError as error:
            if error.errno not in STORAGE_ERRNOS:
                raise
            where = error.filename or "the archive or the data folder"
            raise StorageError(f"cannot write {where}: {error.strerror}") from None

    return wrapper
