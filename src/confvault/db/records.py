"""Plain frozen dataclasses going in and out of the database layer (no SQLAlchemy objects leak)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from confvault.models import BackupStatus, ErrorClass, RunStatus

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BackupRecord:
    """One device's outcome in a run, as the service hands it to ``Store.record_backups``."""

    device: str  # device name, as synced by ``Store.sync_devices``
    status: BackupStatus
    started_at: datetime  # timezone-aware
    ended_at: datetime
    error_class: ErrorClass | None = None
    message: str = ""
    bytes: int = 0
    blob_id: str | None = None
    changed: bool = False
    commit_id: str | None = None  # usually set later, for the whole run, by ``finish_run``
    attempts: int = 1


@dataclass(frozen=True, slots=True)
class DeviceState:
    """A device with its latest backup state (read from ``devices`` alone)."""

    name: str
    provider: str
    platform: str
    hostname: str
    active: bool
    last_backup_at: datetime | None
    last_status: BackupStatus | None
    last_error_class: ErrorClass | None
    last_error_message: str | None
    last_success_at: datetime | None
    last_change_at: datetime | None
    failing_since: datetime | None
    last_run_id: int | None


@dataclass(frozen=True, slots=True)
class BackupEntry:
    """One row of a device's backup history."""

    id: int
    run_id: int
    device: str
    backup_date: datetime
    status: BackupStatus
    error_class: ErrorClass | None
    error_message: str
    started_at: datetime
    ended_at: datetime
    duration_ms: int
    bytes: int
    blob_id: str | None
    changed: bool
    commit_id: str | None
    attempts: int


@dataclass(frozen=True, slots=True)
class DeviceDetail:
    """``Queries.device``: the device's state and its latest backup row, if any."""

    state: DeviceState
    latest_backup: BackupEntry | None
    backups_total: int


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    started_at: datetime
    ended_at: datetime | None
    status: RunStatus
    pid: int
    hostname: str
    workers: int
    selection: str
    devices_total: int
    ok: int
    failed: int
    changed: int
    commit_id: str | None
    error: str | None
    archive_id: str | None = None
    archive_path: str | None = None

    @property
    def duration_s(self) -> float | None:
        return None if self.ended_at is None else (self.ended_at - self.started_at).total_seconds()


@dataclass(frozen=True, slots=True)
class RunningRun:
    """A run the database still calls "running": who ran it, where, for a liveness check."""

    id: int
    started_at: datetime
    pid: int
    hostname: str
    archive_id: str | None  # None for runs recorded before runs knew their archive


@dataclass(frozen=True, slots=True)
class Summary:
    """The dashboard. ``stale`` counts active devices without a success for ``stale_hours``
    (never-succeeded ones included); ``never_backed_up`` counts those with no attempt at all."""

    provider: str | None
    stale_hours: float
    active_devices: int
    ok: int
    failed: int
    never_backed_up: int
    stale: int
    last_run: RunRecord | None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    page: int  # 1-based
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
