"""The library API: what the CLI (and any other caller) uses. Each function takes ``Settings``."""

from confvault.service.backup import RunReport, Selection, run_backup
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

__all__ = [
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
