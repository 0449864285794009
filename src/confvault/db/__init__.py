"""Status database: the only package that imports SQLAlchemy or Alembic.

Use ``Database(url)``; its ``store`` is the main thread's batched writer and its ``queries`` answer
the status questions with plain dataclasses from ``confvault.db.records``.
"""

from confvault.db.database import Database
from confvault.db.engine import RECONNECT_DELAYS_S, display_url, make_engine
from confvault.db.migrate import current, downgrade, head_revision, upgrade
from confvault.db.queries import Queries
from confvault.db.records import (
    BackupEntry,
    BackupRecord,
    DeviceDetail,
    DeviceState,
    Page,
    RunRecord,
    Summary,
)
from confvault.db.retention import PrunePlan, PruneResult, Retention
from confvault.db.store import Store

__all__ = [
    "RECONNECT_DELAYS_S",
    "BackupEntry",
    "BackupRecord",
    "Database",
    "DeviceDetail",
    "DeviceState",
    "Page",
    "PrunePlan",
    "PruneResult",
    "Queries",
    "Retention",
    "RunRecord",
    "Store",
    "Summary",
    "current",
    "display_url",
    "downgrade",
    "head_revision",
    "make_engine",
    "upgrade",
]
