"""PostgreSQL plans of every status query and of a prune batch on a loaded, ANALYZEd fleet.

Queries that read ``backups`` must use one of its indexes, never a Seq Scan on it. The others
(summary counts, latest backups, failed, stale, device list) read the denormalised ``devices``
columns only: for those the test checks that no statement they send touches ``backups`` at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, event, text
from sqlalchemy.engine.interfaces import DBAPICursor

from confvault.db import Database, Queries
from confvault.db.retention import batch_delete

pytestmark = [pytest.mark.postgres, pytest.mark.integration]

DEVICES = 200
RUNS = 150  # 30,000 backup rows: enough that an honest planner prefers the indexes
T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def loaded(pg_url: str) -> Iterator[Database]:
    """Bulk-loaded fleet (INSERT ... SELECT generate_series), then ANALYZE."""
    db = Database(pg_url)
    with db.engine.begin() as conn:
        conn.execute(text("TRUNCATE backups, runs, devices RESTART IDENTITY CASCADE"))
        conn.execute(
            text(
                "INSERT INTO devices (name, provider, platform, hostname, active, created_at,"
                " updated_at) SELECT 'dev' || i, 'p' || (i % 5), 'cisco_ios', 'h' || i, true,"
                " :t0, :t0 FROM generate_series(1, :devices) AS i"
            ),
            {"t0": T0, "devices": DEVICES},
        )
        conn.execute(
            text(
                "INSERT INTO runs (started_at, ended_at, status, pid, hostname, workers, selection,"
                " devices_total, ok, failed, changed) SELECT :t0 + r * interval '1 day',"
                " :t0 + r * interval '1 day', 'completed', 1, 'h', 50, 'all', 0, 0, 0, 0"
                " FROM generate_series(1, :runs) AS r"
            ),
            {"t0": T0, "runs": RUNS},
        )
        conn.execute(
            text(
                "INSERT INTO backups (run_id, device_id, backup_date, status, error_message,"
                " started_at, ended_at, duration_ms, bytes, changed, attempts)"
                " SELECT r.id, d.id, r.started_at, CASE WHEN (r.id + d.id) % 9 = 0 THEN 'failed'"
                " ELSE 'ok' END, '', r.started_at, r.started_at, 1500, 20000, false, 1"
                " FROM runs r CROSS JOIN devices d"
            )
        )
        conn.execute(text("ANALYZE"))
    yield db
    db.close()


def _sent(db: Database, call: Callable[[], object]) -> list[tuple[str, Any]]:
    """The statements (with parameters) that ``call`` really sends."""
    sent: list[tuple[str, Any]] = []

    # parameters: a mapping or a sequence, as the driver takes them; SQLAlchemy names no public type
    def record(
        _conn: Connection, _cursor: DBAPICursor, statement: str, parameters: Any, *_: object
    ) -> None:
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return sent


def _plans_of_backups_statements(db: Database, call: Callable[[], object]) -> list[str]:
    """EXPLAIN every statement that ``call`` really sends and that reads ``backups``."""
    plans = []
    with db.engine.connect() as conn:
        cursor = conn.connection.cursor()
        for statement, parameters in _sent(db, call):
            if "backups" in statement:
                cursor.execute(f"EXPLAIN {statement}", parameters)
                plans.append(statement + "\n" + "\n".join(row[0] for row in cursor.fetchall()))
    assert plans, "the call sent no statement on backups"
    return plans


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda q: q.device_history("dev17", page=1, per_page=50), id="history-page-1"),
        pytest.param(lambda q: q.device_history("dev17", page=3, per_page=50), id="history-page-3"),
        pytest.param(lambda q: q.device("dev17"), id="device-latest-backup"),
        pytest.param(lambda q: q.summary(24, provider="p1"), id="summary-provider-run-counts"),
    ],
)
def test_queries_on_backups_use_an_index_not_a_seq_scan(
    loaded: Database, call: Callable[[Queries], object]
) -> None:
    for plan in _plans_of_backups_statements(loaded, lambda: call(loaded.queries)):
        assert "Seq Scan on backups" not in plan, plan
        assert "ix_backups_" in plan, plan


def test_the_loaded_data_answers_correctly(loaded: Database) -> None:
    assert loaded.queries.device_history("dev17", per_page=50).total == RUNS
    detail = loaded.queries.device("dev17")
    assert detail.latest_backup is not None
    assert detail.latest_backup.backup_date == max(
        e.backup_date for e in loaded.queries.device_history("dev17", per_page=RUNS).items
    )
    summary = loaded.queries.summary(24, provider="p1")
    assert summary.last_run is not None
    assert summary.last_run.devices_total == DEVICES // 5


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda q: q.summary(24), id="summary"),
        pytest.param(lambda q: q.latest_backups(), id="latest-backup-of-every-device"),
        pytest.param(lambda q: q.latest_backups(provider="p1"), id="latest-backups-provider"),
        pytest.param(lambda q: q.failed_devices(), id="failed-devices"),
        pytest.param(lambda q: q.stale_devices(24), id="stale-devices"),
        pytest.param(lambda q: q.device_page(3, 20), id="device-list-page"),
        pytest.param(
            lambda q: q.device_page(1, 20, provider="p1", platform="cisco_ios", status="failed"),
            id="device-list-filtered",
        ),
        pytest.param(lambda q: q.device_page(1, 20, status="never"), id="device-list-never"),
        pytest.param(lambda q: q.runs(), id="runs"),
    ],
)
def test_devices_only_queries_never_touch_backups(
    loaded: Database, call: Callable[[Queries], object]
) -> None:
    """Devices-only by design: they read the denormalised latest columns, so there is no plan on
    backups to check; the proof is that none of their statements names the table."""
    sent = _sent(loaded, lambda: call(loaded.queries))
    assert sent
    assert not [statement for statement, _ in sent if "backups" in statement]


def test_a_prune_batch_probes_indexes_not_a_seq_scan(loaded: Database) -> None:
    """One batch of ``confvault prune``: the id range by primary key, the "newer twin of the same
    status" check by ix_backups_device_id_status_backup_date."""
    # 200 ids of 30,000 rows: about the share a default 5,000-id batch is of a 3.65 M-row table
    statement = batch_delete(T0 + 100 * DAY, 1, 201).compile(
        dialect=loaded.engine.dialect, compile_kwargs={"literal_binds": True}
    )
    with loaded.engine.connect() as conn:
        plan = "\n".join(row[0] for row in conn.execute(text(f"EXPLAIN {statement}")))
    assert "Seq Scan on backups" not in plan, plan
    assert "pk_backups" in plan, plan
    assert "ix_backups_device_id_status_backup_date" in plan, plan


def test_the_dry_run_count_matches_what_a_batch_would_delete(loaded: Database) -> None:
    plan = loaded.retention.plan(T0 + 100 * DAY)
    # every device is backed up daily; rows of days 1..99 all have a newer twin, except each
    # device's latest failure when its failures all fall before day 100
    assert plan.older_rows == DEVICES * 99
    assert 0 < plan.total <= plan.older_rows
    assert plan.kept_latest == plan.older_rows - plan.total
