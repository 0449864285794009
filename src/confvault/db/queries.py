"""Status questions, each a fixed handful of SQL statements whatever the fleet size.

Everything about "the latest backup" reads the denormalised columns of ``devices``; ``backups`` is
touched only through its indexes: one device's history by (device_id, backup_date) and one run's
counts by (run_id, status).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row, Select, func, select
from sqlalchemy.sql.elements import ColumnElement

from confvault.db.engine import translated_errors
from confvault.db.records import BackupEntry, DeviceDetail, DeviceState, Page, RunRecord, Summary
from confvault.db.statements import backups_t, devices_t, runs_t
from confvault.db.tables import utcnow
from confvault.errors import ConfigError
from confvault.models import BackupStatus

MAX_PER_PAGE = 1000
NEVER = "never"  # device_page status filter: no backup attempt yet
STATUS_FILTERS = (BackupStatus.OK.value, BackupStatus.FAILED.value, NEVER)

_STATE_COLUMNS = tuple(devices_t.c[f.name] for f in dataclasses.fields(DeviceState))
_RUN_COLUMNS = tuple(runs_t.c[f.name] for f in dataclasses.fields(RunRecord))
_ENTRY_COLUMNS = tuple(
    devices_t.c.name.label("device") if f.name == "device" else backups_t.c[f.name]
    for f in dataclasses.fields(BackupEntry)
)


def _state(row: Row[Any]) -> DeviceState:
    return DeviceState(**row._asdict())


def _run(row: Row[Any]) -> RunRecord:
    return RunRecord(**row._asdict())


def _entry(row: Row[Any]) -> BackupEntry:
    return BackupEntry(**row._asdict())


def _unknown_device(name: str) -> ConfigError:
    return ConfigError(f"unknown device {name!r}: not in the database (has it been run?)")


def _check_paging(page: int, per_page: int) -> None:
    if page < 1:
        raise ConfigError(f"page must be 1 or more, not {page}")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ConfigError(f"per-page must be between 1 and {MAX_PER_PAGE}, not {per_page}")


def _check_limit(limit: int) -> None:
    if limit < 1:
        raise ConfigError(f"limit must be 1 or more, not {limit}")


def _active(provider: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [devices_t.c.active.is_(True)]
    if provider is not None:
        conditions.append(devices_t.c.provider == provider)
    return conditions


def _stale(cutoff: datetime) -> ColumnElement[bool]:
    return devices_t.c.last_success_at.is_(None) | (devices_t.c.last_success_at < cutoff)


class Queries:
    """Read-only status queries; each opens a short-lived pooled connection."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with (
            translated_errors("cannot query database", self._engine.url),
            self._engine.connect() as conn,
        ):
            yield conn

    def summary(
        self, stale_hours: float, provider: str | None = None, *, now: datetime | None = None
    ) -> Summary:
        """Counts of active devices by latest state, and the last run (2-3 statements)."""
        cutoff = (now or utcnow()) - timedelta(hours=stale_hours)
        status = devices_t.c.last_status
        counts = select(
            func.count().label("active_devices"),
            func.count().filter(status == BackupStatus.OK).label("ok"),
            func.count().filter(status == BackupStatus.FAILED).label("failed"),
            func.count().filter(devices_t.c.last_backup_at.is_(None)).label("never_backed_up"),
            func.count().filter(_stale(cutoff)).label("stale"),
        ).where(*_active(provider))
        with self._read() as conn:
            totals = conn.execute(counts).one()
            last = conn.execute(select(*_RUN_COLUMNS).order_by(runs_t.c.id.desc()).limit(1)).first()
            last_run = None if last is None else _run(last)
            if last_run is not None and provider is not None:
                last_run = self._provider_run_counts(conn, last_run, provider)
        return Summary(
            provider=provider,
            stale_hours=stale_hours,
            active_devices=totals.active_devices,
            ok=totals.ok,
            failed=totals.failed,
            never_backed_up=totals.never_backed_up,
            stale=totals.stale,
            last_run=last_run,
        )

    @staticmethod
    def _provider_run_counts(conn: Connection, run: RunRecord, provider: str) -> RunRecord:
        """The run's totals restricted to one provider, counted from its backup rows."""
        counts = conn.execute(
            select(
                func.count().label("devices_total"),
                func.count().filter(backups_t.c.status == BackupStatus.OK).label("ok"),
                func.count().filter(backups_t.c.status == BackupStatus.FAILED).label("failed"),
                func.count().filter(backups_t.c.changed.is_(True)).label("changed"),
            )
            .select_from(backups_t.join(devices_t, devices_t.c.id == backups_t.c.device_id))
            .where(backups_t.c.run_id == run.id, devices_t.c.provider == provider)
        ).one()
        return dataclasses.replace(run, **counts._asdict())

    def failed_devices(
        self, provider: str | None = None, limit: int = 100
    ) -> tuple[DeviceState, ...]:
        """Active devices whose latest backup failed, longest-failing first."""
        _check_limit(limit)
        query = (
            select(*_STATE_COLUMNS)
            .where(*_active(provider), devices_t.c.last_status == BackupStatus.FAILED)
            .order_by(devices_t.c.failing_since, devices_t.c.name)
            .limit(limit)
        )
        with self._read() as conn:
            return tuple(_state(row) for row in conn.execute(query))

    def stale_devices(
        self,
        hours: float,
        provider: str | None = None,
        limit: int = 100,
        *,
        now: datetime | None = None,
    ) -> tuple[DeviceState, ...]:
        """Active devices without a success for ``hours`` (never-succeeded first)."""
        _check_limit(limit)
        cutoff = (now or utcnow()) - timedelta(hours=hours)
        query = (
            select(*_STATE_COLUMNS)
            .where(*_active(provider), _stale(cutoff))
            .order_by(devices_t.c.last_success_at.asc().nulls_first(), devices_t.c.name)
            .limit(limit)
        )
        with self._read() as conn:
            return tuple(_state(row) for row in conn.execute(query))

    def latest_backups(self, provider: str | None = None) -> tuple[DeviceState, ...]:
        """The latest backup state of every active device (one statement on ``devices``)."""
        query = select(*_STATE_COLUMNS).where(*_active(provider)).order_by(devices_t.c.name)
        with self._read() as conn:
            return tuple(_state(row) for row in conn.execute(query))

    def device_page(
        self,
        page: int = 1,
        per_page: int = 50,
        provider: str | None = None,
        platform: str | None = None,
        status: str | None = None,
    ) -> Page[DeviceState]:
        """Active devices by name, filtered by provider, platform and latest status (2 statements).

        ``status`` is "ok", "failed" or "never" (no backup attempted yet).
        """
        _check_paging(page, per_page)
        conditions = _active(provider)
        if platform is not None:
            conditions.append(devices_t.c.platform == platform)
        if status is not None:
            if status not in STATUS_FILTERS:
                raise ConfigError(
                    f"status must be one of {', '.join(STATUS_FILTERS)}, not {status!r}"
                )
            conditions.append(
                devices_t.c.last_backup_at.is_(None)
                if status == NEVER
                else devices_t.c.last_status == BackupStatus(status)
            )
        query: Select[Any] = (
            select(*_STATE_COLUMNS)
            .where(*conditions)
            .order_by(devices_t.c.name)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        with self._read() as conn:
            total = conn.execute(select(func.count()).where(*conditions)).scalar_one()
            items = tuple(_state(row) for row in conn.execute(query))
        return Page(items=items, total=total, page=page, per_page=per_page)

    @staticmethod
    def _device_id(conn: Connection, name: str) -> int:
        device_id = conn.execute(select(devices_t.c.id).where(devices_t.c.name == name)).scalar()
        if device_id is None:
            raise _unknown_device(name)
        return int(device_id)

    @staticmethod
    def _history_query(device_id: int) -> Select[Any]:
        return (
            select(*_ENTRY_COLUMNS)
            .join_from(backups_t, devices_t, devices_t.c.id == backups_t.c.device_id)
            .where(backups_t.c.device_id == device_id)
            .order_by(backups_t.c.backup_date.desc(), backups_t.c.id.desc())
        )

    @staticmethod
    def _history_count(device_id: int) -> Select[Any]:
        return select(func.count()).where(backups_t.c.device_id == device_id)

    def device_history(self, name: str, page: int = 1, per_page: int = 50) -> Page[BackupEntry]:
        """One device's backups, newest first (3 statements, all on indexes)."""
        _check_paging(page, per_page)
        with self._read() as conn:
            device_id = self._device_id(conn, name)
            total = conn.execute(self._history_count(device_id)).scalar_one()
            rows = conn.execute(
                self._history_query(device_id).limit(per_page).offset((page - 1) * per_page)
            )
            items = tuple(_entry(row) for row in rows)
        return Page(items=items, total=total, page=page, per_page=per_page)

    def device(self, name: str) -> DeviceDetail:
        """A device's state, latest backup row and number of backups; ConfigError when unknown."""
        with self._read() as conn:
            row = conn.execute(
                select(devices_t.c.id, *_STATE_COLUMNS).where(devices_t.c.name == name)
            ).first()
            if row is None:
                raise _unknown_device(name)
            device_id, *state_values = row
            latest = conn.execute(self._history_query(device_id).limit(1)).first()
            total = conn.execute(self._history_count(device_id)).scalar_one()
        return DeviceDetail(
            state=DeviceState(*state_values),
            latest_backup=None if latest is None else _entry(latest),
            backups_total=total,
        )

    def runs(self, limit: int = 20) -> tuple[RunRecord, ...]:
        """The most recent runs, newest first."""
        _check_limit(limit)
        query = select(*_RUN_COLUMNS).order_by(runs_t.c.id.desc()).limit(limit)
        with self._read() as conn:
            return tuple(_run(row) for row in conn.execute(query))

    def last_run_of_archive(self, archive_path: str) -> RunRecord | None:
        """The newest run recorded at this archive path; in a database whose runs predate
        recording their archive (none has a path), the newest run of all, as it cannot tell."""
        newest = select(*_RUN_COLUMNS).order_by(runs_t.c.id.desc()).limit(1)
        with self._read() as conn:
            row = conn.execute(newest.where(runs_t.c.archive_path == archive_path)).first()
            if row is None:
                any_path = conn.execute(
                    select(runs_t.c.id).where(runs_t.c.archive_path.is_not(None)).limit(1)
                ).first()
                row = None if any_path is not None else conn.execute(newest).first()
        return None if row is None else _run(row)
