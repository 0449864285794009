"""A 100-worker run on PostgreSQL holds at most 3 database connections (issue 4).

Workers never touch the database: only the main thread writes, in batches. This measures it from
the server's side, sampling ``pg_stat_activity`` for the run's database from another thread (on a
connection to another database, so the sampler never counts itself).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest

from confvault.models import RunStatus
from confvault_lab import Lab, parse_spec
from tests.integration.project import write_project

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

WORKERS = 100
MAX_CONNECTIONS = 3
SPEC = {
    "groups": [
        {"platform": "cisco_ios", "provider": "acme", "count": 100, "size": 2000},
        {"platform": "juniper_junos", "provider": "globex", "count": 50, "size": 2000},
    ]
}


class ConnectionSampler:
    """Counts, every few milliseconds, the server connections open on one database."""

    def __init__(self, admin_url: str, database: str, interval_s: float = 0.01) -> None:
        self._admin_url, self._database, self._interval = admin_url, database, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="pg-sampler", daemon=True)
        self.samples: list[int] = []

    def _sample(self) -> None:
        with closing(psycopg2.connect(self._admin_url)) as conn:
            conn.autocommit = True  # each sample sees the server's current state
            with conn.cursor() as cursor:
                while not self._stop.is_set():
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                        (self._database,),
                    )
                    row = cursor.fetchone()
                    assert row is not None  # count(*) always answers one row
                    self.samples.append(int(row[0]))
                    time.sleep(self._interval)

    def __enter__(self) -> ConnectionSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def test_a_100_worker_run_uses_at_most_3_database_connections(
    tmp_path: Path, pg_admin_url: str, new_pg_database: Callable[[], str]
) -> None:
    database_url = new_pg_database()
    database_name = database_url.rsplit("/", 1)[1]
    root = tmp_path / "project"
    root.mkdir()
    with Lab(
        parse_spec(SPEC), tmp_path / "lab", inventory_dir=root / "inventory", in_subprocess=True
    ) as lab:
        # a pool that could hand out many more than 3: the limit is the design's
        project = write_project(
            root,
            lab,
            database_url=database_url,
            workers=WORKERS,
            timeout=30,
            db_pool_size=20,
            db_max_overflow=20,
        )
        with ConnectionSampler(pg_admin_url, database_name) as sampler:
            report = project.run()

    assert report.status is RunStatus.COMPLETED, [r.message for r in report.failed][:3]
    assert report.ok_count == len(lab.devices) == 150
    assert len(sampler.samples) > 20, "the sampler did not watch the run"
    assert max(sampler.samples) >= 1, "the sampler never saw the run's connection"
    print(f"\npg_stat_activity over {len(sampler.samples)} samples: max {max(sampler.samples)}")
    assert max(sampler.samples) <= MAX_CONNECTIONS, sampler.samples
