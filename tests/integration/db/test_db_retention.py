"""Retention on SQLite and PostgreSQL: old rows go in batches, each device's latest success and
latest failure stay, runs stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from confvault.db import Database
from confvault.db.statements import backups_t, runs_t
from confvault.models import BackupStatus

if TYPE_CHECKING:
    from tests.integration.db.conftest import FleetBuilder, StatementCounter

T0 = datetime(2026, 1, 1, 6, 0, tzinfo=UTC)
DAY = timedelta(days=1)
DAYS = 10
CUTOFF = T0 + 8 * DAY  # days 0..7 are old, days 8 and 9 are recent


@pytest.fixture
def history(database: Database, fleet: FleetBuilder) -> None:
    """Ten daily runs.

    steady (acme): ok every day | flaky (acme): failed on days 1 and 2, ok otherwise |
    lonely (globex): one ok backup on day 0 only | broken (globex): failed every day up to day 3,
    never succeeded, then no more attempts.
    """
    d, r = fleet.device, fleet.result
    database.store.sync_devices(
        [d("steady"), d("flaky"), d("lonely", provider="globex"), d("broken", provider="globex")]
    )
    for day in range(DAYS):
        at = T0 + day * DAY
        results = [r("steady", at), r("flaky", at, ok=day not in (1, 2))]
        if day == 0:
            results.append(r("lonely", at))
        if day <= 3:
            results.append(r("broken", at, ok=False))
        fleet.run(results)


def _dates(database: Database, name: str) -> list[tuple[int, str]]:
    page = database.queries.device_history(name, per_page=100)
    return sorted(((e.backup_date - T0) // DAY, e.status.value) for e in page.items)


def test_prune_keeps_recent_rows_and_each_devices_latest_success_and_failure(
    database: Database, history: None
) -> None:
    result = database.retention.prune(CUTOFF)

    assert _dates(database, "steady") == [(8, "ok"), (9, "ok")]
    # day 2 is flaky's latest failure: it stays although old; day 1's failure goes
    assert _dates(database, "flaky") == [(2, "failed"), (8, "ok"), (9, "ok")]
    assert _dates(database, "lonely") == [(0, "ok")]  # its only (so latest) success
    assert _dates(database, "broken") == [(3, "failed")]
    assert result.deleted == 8 + 7 + 0 + 3


def test_the_dry_run_counts_per_provider_exactly_what_prune_deletes(
    database: Database, history: None
) -> None:
    before = database.queries.device_history("flaky", per_page=100).total

    plan = database.retention.plan(CUTOFF)

    assert database.queries.device_history("flaky", per_page=100).total == before  # nothing gone
    assert plan.by_provider == {"acme": 8 + 7, "globex": 3}
    assert plan.older_rows == 8 + 8 + 1 + 4
    assert plan.kept_latest == 3  # flaky day 2, lonely day 0, broken day 3
    assert database.retention.prune(CUTOFF).deleted == plan.total


def test_runs_and_their_totals_survive_even_when_all_their_rows_go(
    database: Database, history: None
) -> None:
    runs_before = database.queries.runs(limit=50)

    database.retention.prune(CUTOFF)

    assert database.queries.runs(limit=50) == runs_before
    with database.engine.connect() as conn:
        run_count = conn.execute(select(func.count()).select_from(runs_t)).scalar_one()
        empty_runs = conn.execute(
            select(func.count())
            .select_from(runs_t)
            .where(~select(backups_t.c.id).where(backups_t.c.run_id == runs_t.c.id).exists())
        ).scalar_one()
    assert run_count == DAYS
    assert empty_runs == 5  # days 1 and 4..7 lost every row and are still listed


def test_device_state_and_latest_backup_are_untouched(database: Database, history: None) -> None:
    before = {n: database.queries.device(n) for n in ("steady", "flaky", "lonely", "broken")}

    database.retention.prune(CUTOFF)

    for name, detail in before.items():
        after = database.queries.device(name)
        assert after.state == detail.state
        assert after.latest_backup == detail.latest_backup


def test_prune_deletes_in_batches_never_a_statement_per_row(
    database: Database, history: None, statements: StatementCounter
) -> None:
    with statements.counting() as sent:
        result = database.retention.prune(CUTOFF, batch_size=7)

    deletes = [s for s in sent if s.lstrip().upper().startswith("DELETE")]
    assert result.deleted == 18
    assert len(deletes) == result.batches
    # 10 runs x ~3 rows: old ids span ~31 ids, so 5 slices of 7 ids, far fewer than 18 rows
    assert 2 <= result.batches <= 6
    assert database.retention.prune(CUTOFF).deleted == 0  # idempotent


def test_a_cutoff_before_every_row_deletes_nothing(database: Database, history: None) -> None:
    assert database.retention.prune(T0 - DAY).deleted == 0
    assert database.retention.plan(T0 - DAY).total == 0


def test_the_newest_row_of_a_device_stays_even_with_a_cutoff_in_the_future(
    database: Database, history: None
) -> None:
    database.retention.prune(T0 + 365 * DAY)

    assert _dates(database, "steady") == [(9, "ok")]
    assert _dates(database, "flaky") == [(2, "failed"), (9, "ok")]
    with database.engine.connect() as conn:
        kinds = conn.execute(
            select(backups_t.c.device_id, backups_t.c.status, func.count()).group_by(
                backups_t.c.device_id, backups_t.c.status
            )
        ).all()
    assert all(count == 1 for *_, count in kinds)
    assert {status for _, status, _ in kinds} == {BackupStatus.OK.value, BackupStatus.FAILED.value}
