"""Rows written twice stay once; a run recovered from its commit; which runs need recovering."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from confvault.db import Database
from confvault.db.statements import backups_t
from confvault.models import RunStatus

if TYPE_CHECKING:
    from tests.integration.db.conftest import FleetBuilder

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def _backup_rows(database: Database, run_id: int) -> int:
    with database.engine.connect() as conn:
        count: int = conn.execute(
            select(func.count()).where(backups_t.c.run_id == run_id)
        ).scalar_one()
    return count


def _start(database: Database, archive_id: str | None = "archive-a") -> int:
    return database.store.start_run(
        1, "all", os.getpid(), "testhost", archive_id=archive_id, archive_path="/srv/a"
    )


def test_writing_a_run_s_rows_twice_keeps_one_row_per_device(
    database: Database, fleet: FleetBuilder
) -> None:
    devices = fleet.devices(10)
    rows = [fleet.result(d.name, T0, changed=True) for d in devices]
    run_id = _start(database)

    database.store.record_backups(run_id, rows)
    database.store.record_backups(run_id, rows)  # a replay killed before removing its journal
    database.store.finish_run(run_id, RunStatus.COMPLETED, "c" * 40)

    assert _backup_rows(database, run_id) == 10
    run = database.queries.runs(1)[0]
    assert (run.devices_total, run.ok, run.changed) == (10, 10, 10)


def test_recover_run_adds_the_missing_rows_and_the_commit(
    database: Database, fleet: FleetBuilder
) -> None:
    devices = fleet.devices(4)
    store = database.store
    run_id = _start(database)
    store.record_backups(run_id, [fleet.result(devices[0].name, T0, changed=True)])
    store.mark_dead_runs(lambda run: False)
    committed = T0 + timedelta(seconds=30)
    recovered = [fleet.result(d.name, committed, changed=True) for d in devices]

    store.recover_run(run_id, "d" * 40, recovered, note="recovered from its commit")

    run = database.queries.runs(1)[0]
    assert run.status is RunStatus.ABORTED  # it did die
    assert run.commit_id == "d" * 40
    assert (run.devices_total, run.ok, run.changed) == (4, 4, 4)
    assert run.error == "recovered from its commit"
    history = database.queries.device_history(devices[3].name)
    assert [e.commit_id for e in history.items] == ["d" * 40]
    assert database.queries.device(devices[3].name).state.last_change_at == committed
    # the row the run wrote itself is kept, and gets the commit id too
    first = database.queries.device_history(devices[0].name).items
    assert [(e.started_at, e.commit_id) for e in first] == [(T0, "d" * 40)]


def test_runs_to_recover_are_this_archive_s_aborted_runs_since_its_last_sound_run(
    database: Database, fleet: FleetBuilder
) -> None:
    fleet.devices(1)
    store = database.store
    old_aborted = _start(database)
    store.mark_dead_runs(lambda run: False)
    sound = _start(database)
    store.finish_run(sound, RunStatus.COMPLETED, None)
    aborted = _start(database)
    other_archive = _start(database, archive_id="archive-b")
    legacy = _start(database, archive_id=None)
    store.mark_dead_runs(lambda run: False)
    with_commit = _start(database)
    store.mark_dead_runs(lambda run: False)
    store.recover_run(with_commit, "e" * 40, [], note="recovered")

    found = [run.id for run in store.runs_to_recover("archive-a")]

    assert found == [aborted]
    assert old_aborted not in found
    assert {other_archive, legacy}.isdisjoint(found)
