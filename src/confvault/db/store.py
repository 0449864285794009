"""The single writer: the main thread's one connection, every write batched.

No method issues a statement per device: device ids are resolved from one cached name map, backup
rows go in as one executemany INSERT, and the devices' "latest" columns move in one executemany
UPDATE in the same transaction, so readers never see a backup without its device summary.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from confvault.db.engine import RECONNECT_DELAYS_S, translated_errors
from confvault.db.records import BackupRecord, RunningRun
from confvault.db.statements import (
    IN_LIST_CHUNK,
    RUNNING_COLUMNS,
    backups_t,
    chunks,
    close_run,
    devices_t,
    dialect_insert,
    latest_columns_update,
    run_totals,
    runs_t,
)
from confvault.db.tables import utcnow
from confvault.errors import DatabaseError
from confvault.models import BackupStatus, Device, RunStatus

T = TypeVar("T")


class Store:
    """Writes status for the main thread. Not thread-safe by design: workers never write."""

    # Reconnect a few times before the caller falls back to the pending-status journal (a class
    # attribute so a test may shorten it). Only work that never committed is retried.
    RECONNECT_DELAYS_S: tuple[float, ...] = RECONNECT_DELAYS_S

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
        statement = dialect_insert(conn, devices_t)
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
                for chunk in chunks(missing, IN_LIST_CHUNK):
                    conn.execute(
                        update(devices_t)
                        .where(devices_t.c.id.in_(chunk))
                        .values(active=False, updated_at=now)
                    )

        self._transaction("sync devices", work)
        self._device_ids = None

    def start_run(
        self,
        workers: int,
        selection: str,
        pid: int,
        hostname: str,
        *,
        archive_id: str | None = None,
        archive_path: str | None = None,
    ) -> int:
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
                    archive_id=archive_id,
                    archive_path=archive_path,
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
        """Insert a batch of results and move the devices' latest columns, in one transaction.

        Insert-if-absent on (run, device): a journal replayed again after a kill, or a recovery
        that meets rows a killed run already wrote, leaves the rows that are there alone. Moving
        the latest columns again with the same values changes nothing.
        """
        if not rows:
            return
        self._transaction("record backups", lambda conn: self._write_backups(conn, run_id, rows))

    def _write_backups(self, conn: Connection, run_id: int, rows: Sequence[BackupRecord]) -> None:
        ids = self._resolve_device_ids(conn, {row.device for row in rows})
        conn.execute(
            dialect_insert(conn, backups_t).on_conflict_do_nothing(
                index_elements=[backups_t.c.run_id, backups_t.c.device_id]
            ),
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
            latest_columns_update(),
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

    def finish_run(
        self, run_id: int, status: RunStatus, commit_id: str | None, error: str | None = None
    ) -> None:
        """Close a run: totals are counted in SQL; the commit id is stamped on its changed rows."""

        def work(conn: Connection) -> None:
            close_run(conn, run_id, commit_id, status=status, ended_at=utcnow(), error=error)

        self._transaction("finish a run", work)

    def recover_run(
        self, run_id: int, commit_id: str, rows: Sequence[BackupRecord], note: str
    ) -> None:
        """A run that died after its commit landed: its missing rows (insert-if-absent), the
        commit id and recounted totals, in one transaction. Its status and end time stay."""

        def work(conn: Connection) -> None:
            if rows:
                self._write_backups(conn, run_id, rows)
            close_run(conn, run_id, commit_id, error=note)

        self._transaction("recover a run", work)

    def runs_to_recover(self, archive_id: str, limit: int = 100) -> list[RunningRun]:
        """This archive's aborted runs without a commit id since its last run that was not
        aborted (that run already looked for the commits of the aborted ones before it)."""

        def work(conn: Connection) -> list[RunningRun]:
            ours = runs_t.c.archive_id == archive_id
            last_sound = (
                select(func.coalesce(func.max(runs_t.c.id), 0))
                .where(ours, runs_t.c.status.not_in([RunStatus.ABORTED, RunStatus.RUNNING]))
                .scalar_subquery()
            )
            rows = conn.execute(
                select(*RUNNING_COLUMNS)
                .where(
                    ours,
                    runs_t.c.status == RunStatus.ABORTED,
                    runs_t.c.commit_id.is_(None),
                    runs_t.c.id > last_sound,
                )
                .order_by(runs_t.c.id.desc())
                .limit(limit)
            ).all()
            return [RunningRun(**row._asdict()) for row in rows]

        return self._transaction("look for runs to recover", work)

    def mark_dead_runs(self, is_alive: Callable[[RunningRun], bool]) -> list[int]:
        """Runs still marked running whose process is gone (``is_alive`` says) become ABORTED."""

        def work(conn: Connection) -> list[int]:
            running = conn.execute(
                select(*RUNNING_COLUMNS).where(runs_t.c.status == RunStatus.RUNNING)
            ).all()
            dead = [row.id for row in running if not is_alive(RunningRun(**row._asdict()))]
            if dead:
                conn.execute(
                    update(runs_t)
                    .where(and_(runs_t.c.id.in_(dead), runs_t.c.status == RunStatus.RUNNING))
                    .values(
                        status=RunStatus.ABORTED,
                        ended_at=utcnow(),
                        error="the process running it ended without finishing the run",
                        **run_totals(),
                    )
                )
            return dead

        return self._transaction("check for dead runs", work)
