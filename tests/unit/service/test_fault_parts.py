"""The parts that keep a run's results safe: shrink guard, status journal, held signals."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from confvault.db import Database
from confvault.db.records import BackupRecord
from confvault.errors import DatabaseError
from confvault.models import BackupStatus, CollectResult, Device, ErrorClass, RunStatus
from confvault.service.shrink import guard_shrink
from confvault.service.signals import interrupts_held
from confvault.service.status_journal import PendingRun, StatusJournal

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
ROUTER = Device(name="r1", hostname="127.0.0.1", platform="cisco_ios", provider="acme")


def collected(config: str) -> CollectResult:
    return CollectResult("r1", "acme", "cisco_ios", NOW, NOW, config=config)


@pytest.fixture
def work_tree(tmp_path: Path) -> Path:
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "r1.cfg").write_text("x" * 1000)
    return tmp_path


def test_config_under_half_the_archived_size_is_held_back(work_tree: Path) -> None:
    held = guard_shrink(collected("y" * 499), ROUTER, work_tree, ())
    assert held.error_class is ErrorClass.SUSPECT
    assert held.config is None
    assert not held.ok
    assert "1000 to 499 bytes" in held.message
    assert "--accept-shrink r1" in held.message
    assert guard_shrink(collected("y" * 500), ROUTER, work_tree, ()).ok


def test_shrink_accepted_by_name_or_device_setting_or_first_backup(work_tree: Path) -> None:
    small = collected("y" * 10)
    assert guard_shrink(small, ROUTER, work_tree, ("r1",)).ok
    trusting = Device("r1", "127.0.0.1", "cisco_ios", "acme", accept_shrink=True)
    assert guard_shrink(small, trusting, work_tree, ()).ok
    newcomer = Device("r2", "127.0.0.1", "cisco_ios", "acme")
    assert guard_shrink(small, newcomer, work_tree, ()).ok


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'status.db'}")
    db.upgrade()
    db.store.sync_devices([ROUTER])
    yield db
    db.close()


def test_journaled_rows_are_written_once_by_the_next_run(
    tmp_path: Path, database: Database
) -> None:
    run_id = database.store.start_run(1, "all", 1, "here")
    record = BackupRecord(
        "r1", BackupStatus.FAILED, NOW, NOW + timedelta(seconds=2), ErrorClass.TIMEOUT, "slow", 0
    )
    journal = StatusJournal(tmp_path / "data")
    saved = journal.save(PendingRun(run_id, RunStatus.PARTIAL, None, (record,), "db gone"))
    assert saved.exists()
    assert [p.run_id for p in journal.pending()] == [run_id]

    assert journal.replay(database.store, 500) == [run_id]
    assert journal.replay(database.store, 500) == []  # the file is gone: never written twice

    [run] = database.queries.runs(5)
    assert run.status is RunStatus.PARTIAL
    assert run.failed == 1
    assert run.error == "db gone"
    [entry] = database.queries.device_history("r1").items
    assert entry.error_class is ErrorClass.TIMEOUT
    assert entry.error_message == "slow"


def test_a_replay_killed_before_removing_its_file_writes_nothing_twice(tmp_path: Path) -> None:
    routers = [Device(f"r{i}", "127.0.0.1", "cisco_ios", "acme") for i in range(10)]
    rows = tuple(
        BackupRecord(d.name, BackupStatus.OK, NOW, NOW, changed=True, blob_id="b" * 40)
        for d in routers
    )
    with Database(f"sqlite:///{tmp_path / 'status.db'}") as database:
        database.upgrade()
        database.store.sync_devices(routers)
        run_id = database.store.start_run(1, "all", 1, "here")
        journal = StatusJournal(tmp_path / "data")
        pending = PendingRun(run_id, RunStatus.COMPLETED, "c" * 40, rows, "db gone")
        journal.save(pending)
        journal.replay(database.store, 4)
        journal.save(pending)  # as if the replaying process died before deleting the file

        assert journal.replay(database.store, 4) == [run_id]

        [run] = database.queries.runs(5)
        assert (run.devices_total, run.ok, run.changed) == (10, 10, 10)
        assert database.queries.device_history("r3").total == 1


def test_unreadable_journal_file_is_named(tmp_path: Path) -> None:
    journal = StatusJournal(tmp_path)
    journal.path_for(7).write_text("{not json")
    with pytest.raises(DatabaseError, match=r"pending-status-run-7\.json"):
        journal.pending()


def _deliver(signum: int) -> None:
    os.kill(os.getpid(), signum)
    time.sleep(1)  # not reached when the handler raises


def test_first_signal_held_while_writing_second_interrupts() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with interrupts_held() as held:
        os.kill(os.getpid(), signal.SIGTERM)  # delivered to this (main) thread at once
        assert held.received == signal.SIGTERM
        with pytest.raises(KeyboardInterrupt):  # the handler raises on delivery
            _deliver(signal.SIGINT)
    assert signal.getsignal(signal.SIGTERM) is before
