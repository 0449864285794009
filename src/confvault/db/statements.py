"""Statements the writer builds once: the run totals, the devices' latest columns, run closing.

Kept apart from ``store.py`` so the writer reads as its transactions alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, case, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from confvault.db.tables import Base, UtcDateTime
from confvault.errors import DatabaseError
from confvault.models import BackupStatus

devices_t: Table = Base.metadata.tables["devices"]
runs_t: Table = Base.metadata.tables["runs"]
backups_t: Table = Base.metadata.tables["backups"]

# Keeps each IN (...) list well under SQLite's bound-parameter limit.
IN_LIST_CHUNK = 900


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def run_totals() -> dict[str, ColumnElement[Any]]:
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


def latest_columns_update() -> Any:
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


RUNNING_COLUMNS = (
    runs_t.c.id,
    runs_t.c.started_at,
    runs_t.c.pid,
    runs_t.c.hostname,
    runs_t.c.archive_id,
)


def dialect_insert(conn: Connection, table: Table) -> Any:
    """INSERT with ON CONFLICT support on both backends."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def close_run(conn: Connection, run_id: int, commit_id: str | None, **values: Any) -> None:
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
        .values(commit_id=commit_id, **values, **run_totals())
    )
    if result.rowcount == 0:
        raise DatabaseError(f"run {run_id} is not in the database")
