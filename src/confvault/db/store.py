"""The single writer: the main thread's one connection, every write batched.

No method issues a statement per device: device ids are resolved from one cached name map, backup
rows go in as one executemany INSERT, and the devices' "latest" columns move in one executemany
UPDATE in the same transaction, so readers never see a backup without its device summary.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    bindparam,
    case,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from confvault.db.engine import translated_errors
from confvault.db.records import BackupRecord
from confvault.db.tables import Base, UtcDateTime, utcnow
from confvault.errors import DatabaseError
from confvault.models import BackupStatus, Device, RunStatus

devices_t: Table = Base.metadata.tables["devices"]
runs_t: Table = Base.metadata.tables["runs"]
backups_t: Table = Base.metadata.tables["backups"]

T = TypeVar("T")

# Keeps each IN (...) list well under SQLite's bound-parameter limit.
IN_LIST_CHUNK = 900


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _run_totals() -> dict[str, ColumnElement[Any]]:
    """Correlated counts of a run's backups (served by the (run_id, status) index)."""

    def count(*conditions: ColumnElement[bool]) -> ColumnElement[Any]:
        return (
            select(func.count())
            .where(backups_t.c.run_id == runs_t.c.id, *conditions)
            .scalar_subquery()
        )

    return {
        "devices_total": count(),
        "ok": count(backups_t.c.status == BackupStatus.OK),
        "failed": count(backups_t.c.status == BackupStatus.FAILED),
        "changed": count(backups_t.c.changed.is_(True)),
    }


def _latest_columns_update() -> Any:
    """One UPDATE, run as executemany: each device takes its newest backup's outcome."""
    backup_at = bindparam("b_backup_at", type_=UtcDateTime())
    success_at = bindparam("b_success_at", type_=UtcDateTime())
    change_at = bindparam("b_change_at", type_=UtcDateTime())
    fail_at = bindparam("b_fail_at", type_=UtcDateTime())
    return (
        update(devices_t)
        .where(
            devices_t.c.id == bindparam("b_device_id"),
            # An older result arriving late never overwrites a newer one.
            or_(devices_t.c.last_backup_at.is_(None), devices_t.c.last_backup_at <= backup_at),
        )
        .values(
            last_backup_at=backup_at,
            last_status=bindparam("b_status"),
            last_error_class=bindparam("b_error_class"),
            last_error_message=bindparam("b_error_message"),
            last_success_at=func.coalesce(success_at, devices_t.c.last_success_at),
            last_change_at=func.coalesce(change_at, devices_t.c.last_change_at),
            failing_since=case(
                (fail_at.is_(None), literal(None, UtcDateTime())),
                else_=func.coalesce(devices_t.c.failing_since, fail_at),
            ),
            last_run_id=bindparam("b_run_id"),
        )
    )


class Store:
    """Writes status for the main thread. Not thread-safe by design: workers never write."""

    # A restarted PostgreSQL server drops every connection: reconnect, a few times, before the
    # caller falls back to the pending-status journal. Only work that never committed is retried.
    RECONNECT_DELAYS_S: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None
        self._device_ids: dict[str, int] | None = None  # name -> id, loaded once per sync

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _transaction(self, action: str, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one transaction; a lost connection is replaced and ``work`` rerun."""
        delays = iter(self.RECONNECT_DELAYS_S)
        with translated_errors(f"cannot {action} in database", self._engine.url):
            while True:
                try:
                    conn = self._connection()
                    transaction = conn.begin()
                    try:
                        result = work(conn)
                    except BaseException:
                        with suppress(SQLAlchemyError):
                            transaction.rollback()
                        raise
                except (OperationalError, InterfaceError) as error:
                    delay = next(delays, None)
                    if delay is None or not self._connection_lost(error):
                        raise
                    self._drop_connection()
                    time.sleep(delay)
                    continue
                transaction.commit()  # not retried: the outcome of a failed commit is unknown
                return result

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._drop_connection()
            self._conn = self._engine.connect()  # the pool's pre-ping replaces a dead one
        return self._conn

    def _connection_lost(self, error: DBAPIError) -> bool:
        # Raised while connecting (no connection yet) or flagged by SQLAlchemy as a disconnect.
        return bool(error.connection_invalidated) or self._conn is None or self._conn.invalidated

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(SQLAlchemyError):
                conn.close()

    def _upsert_devices_statement(self, conn: Connection) -> Any:
        dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        statement = dialect_insert(devices_t)
        new = statement.excluded
        tracked = ("provider", "platform", "hostname", "active")
        return statement.on_conflict_do_update(
            index_elements=[devices_t.c.name],
            set_={**{column: new[column] for column in tracked}, "updated_at": new.updated_at},
            # Rows whose inventory data did not move keep their updated_at.
            where=or_(*(devices_t.c[column] != new[column] for column in tracked)),
        )

    def sync_devices(self, devices: Sequence[Device], *, retire_missing: bool = False) -> None:
        """Upsert the inventory by name; with ``retire_missing``, devices absent become inactive."""
        now = utcnow()
        by_name = {device.name: device for device in devices}  # one row per name per statement
        rows = [
            {
                "name": d.name,
                "provider": d.provider,
                "platform": d.platform,
                "hostname": d.hostname,
                "active": d.active,
                "created_at": now,
                "updated_at": now,
            }
            for d in by_name.values()
        ]

        def work(conn: Connection) -> None:
            if rows:
                conn.execute(self._upsert_devices_statement(conn), rows)
            if retire_missing:
                active = conn.execute(
                    select(devices_t.c.id, devices_t.c.name).where(devices_t.c.active.is_(True))
                ).all()
                missing = [row.id for row in active if row.name not in by_name]
                for chunk in _chunks(missing, IN_LIST_CHUNK):
                    conn.execute(
                        update(devices_t)
                        .where(devices_t.c.id.in_(chunk))
                        .values(active=False, updated_at=now)
                    )

        self._transaction("sync devices", work)
        self._device_ids = None

    def start_run(self, workers: int, selection: str, pid: int, hostname: str) -> int:
        def work(conn: Connection) -> int:
            run_id: int = conn.execute(
                insert(runs_t)
                .values(
                    started_at=utcnow(),
                    status=RunStatus.RUNNING,
                    pid=pid,
                    hostname=hostname,
                    workers=workers,
                    selection=selection,
                )
                .returning(runs_t.c.id)
            ).scalar_one()
            return run_id

        return self._transaction("start a run", work)

    def _resolve_device_ids(self, conn: Connection, names: set[str]) -> dict[str, int]:
        if self._device_ids is None or not names <= self._device_ids.keys():
            rows = conn.execute(select(devices_t.c.name, devices_t.c.id)).all()
            self._device_ids = {row.name: row.id for row in rows}
        unknown = sorted(names - self._device_ids.keys())
        if unknown:
            raise DatabaseError(
                f"device {unknown[0]!r} is not in the database (sync_devices must come first)"
            )
        return self._device_ids

    def record_backups(self, run_id: int, rows: Sequence[BackupRecord]) -> None:
        """Insert a batch of results and move the devices' latest columns, in one transaction."""
        if not rows:
            return

        def work(conn: Connection) -> None:
            ids = self._resolve_device_ids(conn, {row.device for row in rows})
            conn.execute(
                insert(backups_t),
                [
                    {
                        "run_id": run_id,
                        "device_id": ids[r.device],
                        "backup_date": r.started_at,
                        "status": r.status,
                        "error_class": r.error_class,
                        "error_message": r.message,
                        "started_at": r.started_at,
                        "ended_at": r.ended_at,
                        "duration_ms": round((r.ended_at - r.started_at).total_seconds() * 1000),
                        "bytes": r.bytes,
                        "blob_id": r.blob_id,
                        "changed": r.changed,
                        "commit_id": r.commit_id,
                        "attempts": r.attempts,
                    }
                    for r in rows
                ],
            )
            ok = BackupStatus.OK
            conn.execute(
                _latest_columns_update(),
                [
                    {
                        "b_device_id": ids[r.device],
                        "b_backup_at": r.started_at,
                        "b_status": r.status,
                        "b_error_class": r.error_class,
                        "b_error_message": r.message or None,
                        "b_success_at": r.started_at if r.status == ok else None,
                        "b_change_at": r.started_at if r.status == ok and r.changed else None,
                        "b_fail_at": None if r.status == ok else r.started_at,
                        "b_run_id": run_id,
                    }
                    for r in rows
                ],
            )

        self._transaction("record backups", work)

    def finish_run(
        self, run_id: int, status: RunStatus, commit_id: str | None, error: str | None = None
    ) -> None:
        """Close a run: totals are counted in SQL; the commit id is stamped on its changed rows."""

        def work(conn: Connection) -> None:
            if commit_id is not None:
                conn.execute(
                    update(backups_t)
                    .where(
                        backups_t.c.run_id == run_id,
                        backups_t.c.changed.is_(True),
                        backups_t.c.commit_id.is_(None),
                    )
                    .values(commit_id=commit_id)
                )
            result = conn.execute(
                update(runs_t)
                .where(runs_t.c.id == run_id)
                .values(
                    status=status,
                    ended_at=utcnow(),
                    commit_id=commit_id,
                    error=error,
                    **_run_totals(),
                )
            )
            if result.rowcount == 0:
                raise DatabaseError(f"run {run_id} is not in the database")

        self._transaction("finish a run", work)

    def mark_dead_runs(self, is_alive: Callable[[str, int], bool]) -> list[int]:
        """Runs still marked running whose process (hostname, pid) is gone become ABORTED."""

        def work(conn: Connection) -> list[int]:
            running = conn.execute(
                select(runs_t.c.id, runs_t.c.hostname, runs_t.c.pid).where(
                    runs_t.c.status == RunStatus.RUNNING
                )
            ).all()
            dead = [row.id for row in running if not is_alive(row.hostname, row.pid)]
            if dead:
                conn.execute(
                    update(runs_t)
                    .where(and_(runs_t.c.id.in_(dead), runs_t.c.status == RunStatus.RUNNING))
                    .values(
                        status=RunStatus.ABORTED,
                        ended_at=utcnow(),
                        error="the process running it ended without finishing the run",
                        **_run_totals(),
                    )
                )
            return dead

        return self._transaction("check for dead runs", work)
