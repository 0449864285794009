"""The single writer: upserts, latest columns, run totals, dead runs, and batching."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from confvault.db import Database
from confvault.errors import DatabaseError
from confvault.models import BackupStatus, ErrorClass, RunStatus

if TYPE_CHECKING:
    from tests.integration.db.conftest import FleetBuilder, StatementCounter

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def test_sync_devices_inserts_then_updates_only_what_moved(
    database: Database, fleet: FleetBuilder
) -> None:
    fleet.devices(3)
    before = {d.name: d for d in database.queries.latest_backups()}
    moved = fleet.device("r00001", provider="globex", platform="arista_eos")
    database.store.sync_devices([fleet.device("r00000"), moved, fleet.device("r00002")])

    after = {d.name: d for d in database.queries.latest_backups()}
    assert after["r00001"].provider == "globex"
    assert after["r00001"].platform == "arista_eos"
    assert after["r00000"].provider == "acme"
    assert len(after) == 3
    with database.engine.connect() as conn:
        # a raw SELECT: SQLite gives the timestamps as text, PostgreSQL as datetimes
        stamps: dict[str, object] = dict(
            conn.execute(text("SELECT name, updated_at FROM devices")).all()
        )
    assert stamps["r00000"] == stamps["r00002"]  # untouched rows keep their timestamp
    assert stamps["r00001"] != stamps["r00000"]
    assert before.keys() == after.keys()


def test_sync_devices_retires_missing_devices_only_when_asked(
    database: Database, fleet: FleetBuilder
) -> None:
    fleet.devices(4)
    database.store.sync_devices([fleet.device("r00000")])
    assert len(database.queries.latest_backups()) == 4

    database.store.sync_devices([fleet.device("r00000")], retire_missing=True)
    assert [d.name for d in database.queries.latest_backups()] == ["r00000"]

    database.store.sync_devices([fleet.device("r00003")])  # back in the inventory: active again
    assert [d.name for d in database.queries.latest_backups()] == ["r00000", "r00003"]


def test_record_backups_moves_latest_columns(database: Database, fleet: FleetBuilder) -> None:
    fleet.devices(2)
    fleet.run([fleet.result("r00000", T0, changed=True), fleet.result("r00001", T0, ok=False)])
    day2 = T0 + timedelta(days=1)
    fleet.run(
        [
            fleet.result("r00000", day2, ok=False, error=ErrorClass.AUTH),
            fleet.result("r00001", day2, ok=False, error=ErrorClass.UNREACHABLE),
        ]
    )
    states = {d.name: d for d in database.queries.latest_backups()}
    first, second = states["r00000"], states["r00001"]

    assert first.last_status is BackupStatus.FAILED
    assert first.last_error_class is ErrorClass.AUTH
    assert first.last_error_message == "auth on r00000"
    assert first.last_success_at == T0  # kept from the earlier success
    assert first.last_change_at == T0
    assert first.failing_since == day2
    assert first.last_backup_at == day2
    assert first.last_backup_at.tzinfo is not None

    assert second.last_success_at is None
    assert second.failing_since == T0  # the streak started with the first failure
    assert second.last_error_class is ErrorClass.UNREACHABLE

    day3 = T0 + timedelta(days=2)
    fleet.run([fleet.result("r00000", day3)])
    recovered = database.queries.device("r00000").state
    assert recovered.last_status is BackupStatus.OK
    assert recovered.failing_since is None
    assert recovered.last_error_class is None
    assert recovered.last_change_at == T0  # unchanged content does not move last_change_at


def test_a_late_older_result_never_overwrites_a_newer_one(
    database: Database, fleet: FleetBuilder
) -> None:
    fleet.devices(1)
    fleet.run([fleet.result("r00000", T0 + timedelta(hours=5))])
    fleet.run([fleet.result("r00000", T0, ok=False)])
    state = database.queries.device("r00000").state
    assert state.last_status is BackupStatus.OK
    assert state.last_backup_at == T0 + timedelta(hours=5)


def test_finish_run_counts_in_sql_and_stamps_the_commit(
    database: Database, fleet: FleetBuilder
) -> None:
    fleet.devices(5)
    results = [fleet.result(f"r{i:05d}", T0, changed=i < 2) for i in range(4)]
    results.append(fleet.result("r00004", T0, ok=False))
    run_id = fleet.run(results, RunStatus.PARTIAL, commit="c0ffee" * 6)

    run = database.queries.runs(limit=1)[0]
    assert (run.id, run.status) == (run_id, RunStatus.PARTIAL)
    assert (run.devices_total, run.ok, run.failed, run.changed) == (5, 4, 1, 2)
    assert run.ended_at is not None
    assert run.ended_at >= run.started_at
    history = database.queries.device_history("r00000").items
    assert history[0].commit_id == "c0ffee" * 6
    assert database.queries.device_history("r00003").items[0].commit_id is None  # unchanged


def test_finish_run_of_an_unknown_run_is_a_clear_error(database: Database) -> None:
    with pytest.raises(DatabaseError, match="run 999 is not in the database"):
        database.store.finish_run(999, RunStatus.COMPLETED, None)


def test_record_backups_for_an_unsynced_device_names_it(
    database: Database, fleet: FleetBuilder
) -> None:
    fleet.devices(1)
    run_id = database.store.start_run(1, "all", os.getpid(), "testhost")
    with pytest.raises(DatabaseError, match="'ghost' is not in the database"):
        database.store.record_backups(run_id, [fleet.result("ghost", T0)])


def test_mark_dead_runs_aborts_runs_whose_process_is_gone(
    database: Database, fleet: FleetBuilder
) -> None:
    fleet.devices(2)
    store = database.store
    dead_run = store.start_run(10, "all", pid=4242, hostname="old-host")
    store.record_backups(dead_run, [fleet.result("r00000", T0)])
    live_run = store.start_run(10, "all", pid=os.getpid(), hostname="testhost")

    aborted = store.mark_dead_runs(lambda run: (run.hostname, run.pid) == ("testhost", os.getpid()))

    assert aborted == [dead_run]
    runs = {r.id: r for r in database.queries.runs()}
    assert runs[dead_run].status is RunStatus.ABORTED
    assert runs[dead_run].ok == 1  # what it managed to record is counted
    assert runs[live_run].status is RunStatus.RUNNING
    assert store.mark_dead_runs(lambda run: True) == []


def _run_statements(
    database: Database, fleet: FleetBuilder, count: int, statements: StatementCounter, batch: int
) -> list[str]:
    """Statements of a whole run (sync, start, record in batches, finish) over ``count`` devices."""
    devices = fleet.devices(count, prefix=f"n{count}-{batch}-")
    results = [fleet.result(d.name, T0, ok=i % 7 != 0) for i, d in enumerate(devices)]
    store = database.store
    with statements.counting() as sent:
        store.sync_devices(devices)
        run_id = store.start_run(50, "all", os.getpid(), "testhost")
        for start in range(0, count, batch):
            store.record_backups(run_id, results[start : start + batch])
        store.finish_run(run_id, RunStatus.PARTIAL, "f" * 40)
    run = database.queries.runs(1)[0]
    assert (run.devices_total, run.failed) == (count, len(range(0, count, 7)))
    return list(sent)


def test_a_run_costs_the_same_statements_for_10_or_1000_devices(
    database: Database, fleet: FleetBuilder, statements: StatementCounter
) -> None:
    few = _run_statements(database, fleet, 10, statements, batch=1000)
    many = _run_statements(database, fleet, 1000, statements, batch=1000)
    # upsert devices, start run, load name->id map, insert backups, update latest, stamp commit,
    # close run with totals: 7, whatever N.
    assert len(few) == len(many) == 7


def test_batched_recording_costs_two_statements_per_batch(
    database: Database, fleet: FleetBuilder, statements: StatementCounter
) -> None:
    sent = _run_statements(database, fleet, 1000, statements, batch=200)
    inserts = [s for s in sent if s.startswith("INSERT INTO backups")]
    latest_updates = [s for s in sent if s.startswith("UPDATE devices")]
    assert len(inserts) == len(latest_updates) == 5
    assert len(sent) == 5 + 2 * 5  # the name->id map is loaded once per run, not per batch
