"""Read-side library API: status, device lists, runs, and a device's history, diffs and files."""

from __future__ import annotations

import dataclasses
import socket
from dataclasses import dataclass
from datetime import datetime

from confvault.config_repo import CommitInfo
from confvault.db import BackupEntry, Database, DeviceState, Page, RunRecord, Summary
from confvault.models import RunStatus
from confvault.service.archive_identity import read_archive_id
from confvault.service.lock import lock_is_free, process_alive
from confvault.service.project import open_archive, open_database
from confvault.settings import Settings


@dataclass(frozen=True, slots=True)
class StatusReport:
    summary: Summary
    failed: tuple[DeviceState, ...]
    stale: tuple[DeviceState, ...]


def status(
    settings: Settings,
    *,
    provider: str | None = None,
    stale_hours: float | None = None,
    limit: int = 100,
) -> StatusReport:
    hours = settings.stale_hours if stale_hours is None else stale_hours
    with open_database(settings) as database:
        queries = database.queries
        summary = queries.summary(hours, provider)
        report = StatusReport(
            summary=summary,
            failed=queries.failed_devices(provider, limit),
            stale=queries.stale_devices(hours, provider, limit),
        )
    last = summary.last_run
    if last is not None and last.status is RunStatus.RUNNING and not _run_alive(settings, last):
        # What the next run will record; status itself writes nothing.
        dead = dataclasses.replace(
            last,
            status=RunStatus.ABORTED,
            error="the process running it ended without finishing the run",
        )
        report = dataclasses.replace(report, summary=dataclasses.replace(summary, last_run=dead))
    return report


def _run_alive(settings: Settings, run: RunRecord) -> bool:
    """Whether a run the database calls "running" still has a holder, without writing anything:
    its archive's run lock if it is this project's archive, else its process (on this host);
    a run of another host cannot be checked from here."""
    if run.hostname != socket.gethostname():
        return True
    git_dir = settings.archive_path / ".git"
    if run.archive_id is not None and run.archive_id == read_archive_id(git_dir):
        free = lock_is_free(git_dir)
        if free is not None:
            return not free
    return process_alive(run.pid, run.started_at)


def device_page(
    settings: Settings,
    *,
    page: int = 1,
    per_page: int = 50,
    provider: str | None = None,
    platform: str | None = None,
    status: str | None = None,
) -> Page[DeviceState]:
    with open_database(settings) as database:
        return database.queries.device_page(
            page, per_page, provider=provider, platform=platform, status=status
        )


def runs(settings: Settings, *, limit: int = 20) -> tuple[RunRecord, ...]:
    with open_database(settings) as database:
        return database.queries.runs(limit)


def backup_history(
    settings: Settings, device: str, *, page: int = 1, per_page: int = 50
) -> Page[BackupEntry]:
    with open_database(settings) as database:
        return database.queries.device_history(device, page, per_page)


def _archive_path(database: Database, device: str) -> str:
    """``<provider>/<device>.cfg``; the database knows every device ever backed up."""
    state = database.queries.device(device).state
    return f"{state.provider}/{state.name}.cfg"


def history(settings: Settings, device: str, *, limit: int = 20) -> tuple[str, list[CommitInfo]]:
    """The archive path of a device and the commits that changed it, newest first."""
    with open_database(settings) as database:
        path = _archive_path(database, device)
    return path, open_archive(settings).history(path, limit=limit)


def diff(
    settings: Settings, device: str, rev_a: str | None = None, rev_b: str | None = None
) -> str:
    with open_database(settings) as database:
        path = _archive_path(database, device)
    return open_archive(settings).diff(path, rev_a, rev_b)


def show(
    settings: Settings, device: str, *, rev: str | None = None, at: datetime | None = None
) -> str:
    with open_database(settings) as database:
        path = _archive_path(database, device)
    return open_archive(settings).show(path, rev=rev, at=at)
