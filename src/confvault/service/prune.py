"""Retention as its own job: ``prune(settings, "90d")``. Never called by a backup run.

Deletes backup rows older than the cutoff in batches, always keeping each device's latest success
and latest failure; runs stay (they are the run history). The Git archive is not touched.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from confvault.db.retention import DEFAULT_BATCH_SIZE
from confvault.db.tables import utcnow
from confvault.errors import ConfigError
from confvault.service.project import open_database
from confvault.settings import Settings

_DURATION = re.compile(r"(\d+)\s*([hdw])")
_UNIT_HOURS = {"h": 1, "d": 24, "w": 24 * 7}
# Beyond ~270 years datetime arithmetic overflows; nobody keeps configs that long.
MAX_DURATION_HOURS = 100 * 365 * 24


def parse_duration(text: str) -> timedelta:
    """``"90d"``, ``"12h"``, ``"2w"`` -> timedelta; anything else is a one-line ConfigError."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        raise ConfigError(
            f"--older-than {text!r} is not a duration: use a whole number and h, d or w "
            "(e.g. 90d, 12h, 2w)"
        )
    hours = int(match.group(1)) * _UNIT_HOURS[match.group(2)]
    if not 0 < hours <= MAX_DURATION_HOURS:
        raise ConfigError(f"--older-than {text!r} must be more than 0 and at most 100 years")
    return timedelta(hours=hours)


@dataclass(frozen=True, slots=True)
class PruneReport:
    """What a prune deleted (or, with ``dry_run``, would delete)."""

    older_than: str
    cutoff: datetime
    dry_run: bool
    deleted: int  # rows deleted, or that a real run would delete
    kept_latest: int | None  # old rows kept as a device's latest success/failure (dry run only)
    by_provider: dict[str, int] = field(default_factory=dict)  # dry run only
    batches: int = 0
    seconds: float = 0.0


def prune(
    settings: Settings,
    older_than: str,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> PruneReport:
    """Delete backup rows older than ``older_than`` (``"90d"``) before ``now``.

    Bad durations raise ConfigError (exit 2) before the database is opened.
    """
    cutoff = (now or utcnow()) - parse_duration(older_than)
    if batch_size < 1:
        raise ConfigError(f"batch size must be 1 or more, not {batch_size}")
    started = time.perf_counter()
    with open_database(settings) as database:
        if dry_run:
            plan = database.retention.plan(cutoff)
            return PruneReport(
                older_than=older_than,
                cutoff=cutoff,
                dry_run=True,
                deleted=plan.total,
                kept_latest=plan.kept_latest,
                by_provider=plan.by_provider,
                seconds=time.perf_counter() - started,
            )
        result = database.retention.prune(cutoff, batch_size=batch_size, on_batch=on_batch)
    return PruneReport(
        older_than=older_than,
        cutoff=cutoff,
        dry_run=False,
        deleted=result.deleted,
        kept_latest=None,
        batches=result.batches,
        seconds=time.perf_counter() - started,
    )
