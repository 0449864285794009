"""The library API: what the CLI (and any other caller) uses. Each function takes ``Settings``.

The backup names load lazily: they pull in nornir, netmiko and paramiko, which a report command
(``status``, ``history``, ``diff``) never needs, and which cost most of its start-up time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from confvault.db import DeviceState  # the row type status reports hand out
from confvault.db.retention import DEFAULT_BATCH_SIZE
from confvault.service.project import init_project, open_archive, open_database
from confvault.service.prune import PruneReport, parse_duration, prune
from confvault.service.reports import (
    StatusReport,
    backup_history,
    device_page,
    diff,
    history,
    runs,
    show,
    status,
)

if TYPE_CHECKING:
    from confvault.service.backup import RunReport, Selection, run_backup

_LAZY_BACKUP_NAMES = ("RunReport", "Selection", "run_backup")


def __getattr__(name: str) -> Any:
    if name in _LAZY_BACKUP_NAMES:
        from confvault.service import backup

        return getattr(backup, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DeviceState",
    "PruneReport",
    "RunReport",
    "Selection",
    "StatusReport",
    "backup_history",
    "device_page",
    "diff",
    "history",
    "init_project",
    "open_archive",
    "open_database",
    "parse_duration",
    "prune",
    "run_backup",
    "runs",
    "show",
    "status",
]
