"""The lab's one error type: a user's mistake, shown as one line (never a traceback)."""

from __future__ import annotations


class LabError(Exception):
    """The device lab cannot start or be driven as asked."""

    exit_code = 2
