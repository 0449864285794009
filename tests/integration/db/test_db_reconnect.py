"""A PostgreSQL restart during a run: the writer reconnects instead of journaling the rows.

The store used to hold one connection for the whole run, so the pool's pre-ping never ran and the
first write after a restart failed with "server closed the connection unexpectedly".
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from tests.conftest import ThrowawayCluster

from confvault.db import BackupRecord, Database, upgrade
from confvault.db.statements import backups_t, runs_t
from confvault.db.store import Store
from confvault.errors import DatabaseError
from confvault.models import BackupStatus, Device, RunStatus
from confvault.service.project import RUN_CONNECT_DELAYS_S

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

DEVICES = [Device(name=f"r{i}", provider="acme", platform="cisco_ios", hostname=f"10.0.0.{i}")
           for i in range(1, 11)]  # fmt: skip


def _rows() -> list[BackupRecord]:
    start = datetime.now(UTC)
    return [
        BackupRecord(device=d.name, status=BackupStatus.OK, started_at=start,
                     ended_at=start + timedelta(seconds=1), bytes=100, changed=True)
        for d in DEVICES
    ]  # fmt: skip


def _open(cluster: ThrowawayCluster) -> tuple[Database, int]:
    upgrade(cluster.url)
    database = Database(cluster.url)
    database.store.sync_devices(DEVICES)
    run_id = database.store.start_run(workers=10, selection="all", pid=1, hostname="here")
    return database, run_id


def _count(database: Database, run_id: int) -> int:
    with database.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(backups_t).where(backups_t.c.run_id == run_id)
            ).scalar_one()
        )


def test_rows_are_written_after_the_server_restarted(restartable_pg: ThrowawayCluster) -> None:
    database, run_id = _open(restartable_pg)
    with database:
        restartable_pg.stop()
        restartable_pg.start()  # every connection the run held is gone now
        database.store.record_backups(run_id, _rows())
        database.store.finish_run(run_id, RunStatus.COMPLETED, "c0ffee")
        assert _count(database, run_id) == len(DEVICES)
        with database.engine.connect() as conn:
            status = conn.execute(select(runs_t.c.status).where(runs_t.c.id == run_id))
            assert status.scalar_one() == RunStatus.COMPLETED


def test_a_write_waits_for_a_server_that_comes_back(restartable_pg: ThrowawayCluster) -> None:
    database, run_id = _open(restartable_pg)
    with database:
        restartable_pg.stop()
        back = threading.Timer(1.0, restartable_pg.start)
        back.start()
        try:
            database.store.record_backups(run_id, _rows())  # down when it starts
        finally:
            back.join()
        assert _count(database, run_id) == len(DEVICES)


def test_a_server_that_stays_down_is_one_line_after_bounded_retries(
    restartable_pg: ThrowawayCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, run_id = _open(restartable_pg)
    monkeypatch.setattr(Store, "RECONNECT_DELAYS_S", (0.05, 0.05))
    with database:
        restartable_pg.stop()
        with pytest.raises(DatabaseError) as caught:
            database.store.record_backups(run_id, _rows())
        assert "cannot record backups in database" in str(caught.value)
        assert "\n" not in str(caught.value)


def test_a_run_start_waits_for_a_restarting_server(restartable_pg: ThrowawayCluster) -> None:
    upgrade(restartable_pg.url)
    restartable_pg.stop()
    back = threading.Timer(1.0, restartable_pg.start)
    back.start()
    try:
        with Database(restartable_pg.url, connect_delays=RUN_CONNECT_DELAYS_S) as database:
            database.check_schema()
    finally:
        back.join()


def test_a_server_that_never_comes_is_one_line(restartable_pg: ThrowawayCluster) -> None:
    restartable_pg.stop()
    with pytest.raises(DatabaseError) as caught:
        Database(restartable_pg.url, connect_delays=(0.05, 0.05))
    assert str(caught.value).startswith("cannot connect to database postgresql://")
    assert "\n" not in str(caught.value)
