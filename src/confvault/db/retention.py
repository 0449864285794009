"""Retention: delete old backup rows in batches, never a device's latest success or latest failure.

A row may go when it is older than the cutoff AND a newer row of the same device with the same
status exists. The newest row of each (device, status) pair therefore never qualifies, whatever
runs concurrently (a backup only adds newer rows; a second prune only removes rows that have a
newer twin). Runs are never deleted: they are the run history and keep their own totals.

Deletion walks the backups' id range in slices of ``batch_size`` ids, one short transaction per
slice, so locks stay brief and a huge backlog never becomes one giant transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Delete, Engine, and_, delete, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from confvault.db.engine import translated_errors
from confvault.db.statements import backups_t, devices_t

DEFAULT_BATCH_SIZE = 5000


@dataclass(frozen=True, slots=True)
class PrunePlan:
    """What a prune with this cutoff would delete, per provider, and the old rows it keeps."""

    cutoff: datetime
    by_provider: dict[str, int]
    older_rows: int  # rows older than the cutoff, deletable or not
    kept_latest: int  # of those, the devices' latest success/failure, which always stay

    @property
    def total(self) -> int:
        return sum(self.by_provider.values())


@dataclass(frozen=True, slots=True)
class PruneResult:
    cutoff: datetime
    deleted: int
    batches: int


def _has_newer_twin(row: Any) -> ColumnElement[bool]:
    """True when a newer backup of the same device with the same status exists."""
    newer = backups_t.alias("newer")
    return exists().where(
        newer.c.device_id == row.c.device_id,
        newer.c.status == row.c.status,
        or_(
            newer.c.backup_date > row.c.backup_date,
            and_(newer.c.backup_date == row.c.backup_date, newer.c.id > row.c.id),
        ),
    )


def prunable(cutoff: datetime) -> ColumnElement[bool]:
    """The condition a ``backups`` row must meet to be deleted by a prune at ``cutoff``."""
    return and_(backups_t.c.backup_date < cutoff, _has_newer_twin(backups_t))


def batch_delete(cutoff: datetime, first_id: int, stop_id: int) -> Delete:
    """One batch: the prunable rows with ``first_id <= id < stop_id``."""
    return delete(backups_t).where(
        backups_t.c.id >= first_id, backups_t.c.id < stop_id, prunable(cutoff)
    )


class Retention:
    """Prune planning and execution; each call uses its own short-lived pooled connections."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def plan(self, cutoff: datetime) -> PrunePlan:
        """Counts per provider of what ``prune(cutoff)`` would delete (2 statements)."""
        per_provider = (
            select(devices_t.c.provider, func.count().label("rows"))
            .select_from(backups_t.join(devices_t, devices_t.c.id == backups_t.c.device_id))
            .where(prunable(cutoff))
            .group_by(devices_t.c.provider)
            .order_by(devices_t.c.provider)
        )
        older = select(func.count()).where(backups_t.c.backup_date < cutoff)
        with (
            translated_errors("cannot plan a prune in database", self._engine.url),
            self._engine.connect() as conn,
        ):
            by_provider = {row.provider: int(row.rows) for row in conn.execute(per_provider)}
            older_rows = int(conn.execute(older).scalar_one())
        return PrunePlan(
            cutoff=cutoff,
            by_provider=by_provider,
            older_rows=older_rows,
            kept_latest=older_rows - sum(by_provider.values()),
        )

    def prune(
        self,
        cutoff: datetime,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_batch: Callable[[int], None] | None = None,
    ) -> PruneResult:
        """Delete every prunable row, one transaction per slice of ``batch_size`` ids.

        ``on_batch`` receives the number of rows each batch deleted (for progress display).
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be 1 or more, not {batch_size}")
        deleted = batches = 0
        with translated_errors("cannot prune backups in database", self._engine.url):
            with self._engine.connect() as conn:
                low, high = conn.execute(
                    select(func.min(backups_t.c.id), func.max(backups_t.c.id)).where(
                        backups_t.c.backup_date < cutoff
                    )
                ).one()
            if low is None:
                return PruneResult(cutoff=cutoff, deleted=0, batches=0)
            for start in range(int(low), int(high) + 1, batch_size):
                with self._engine.begin() as conn:
                    count = conn.execute(batch_delete(cutoff, start, start + batch_size)).rowcount
                deleted += count
                batches += 1
                if on_batch is not None:
                    on_batch(count)
        return PruneResult(cutoff=cutoff, deleted=deleted, batches=batches)
