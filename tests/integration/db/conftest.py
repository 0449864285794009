"""Database fixtures: each test gets a migrated, empty database on SQLite and on PostgreSQL.

Where PostgreSQL comes from is decided by ``pg_admin_url`` in tests/conftest.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine.interfaces import DBAPICursor

from confvault.db import BackupRecord, Database, upgrade
from confvault.models import BackupStatus, Device, ErrorClass, RunStatus

TABLES = ("backups", "runs", "devices")


def _truncate(url: str) -> None:
    with closing(psycopg2.connect(url)) as conn, conn.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        conn.commit()


@pytest.fixture(scope="session")
def pg_url(new_pg_database: Callable[[], str]) -> str:
    """The session's PostgreSQL database, migrated to head."""
    url = new_pg_database()
    upgrade(url)
    return url


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.integration]),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'status.db'}"
        upgrade(url)
        return url
    url = str(request.getfixturevalue("pg_url"))
    _truncate(url)
    return url


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    with Database(db_url) as db:
        yield db


class StatementCounter:
    """Counts the SQL statements an engine sends (one per execute/executemany call)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(
        self, _conn: Connection, _cursor: DBAPICursor, statement: str, *_args: object
    ) -> None:
        self.statements.append(statement)

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._record)
        try:
            yield self.statements
        finally:
            event.remove(self.engine, "before_cursor_execute", self._record)


@pytest.fixture
def statements(database: Database) -> StatementCounter:
    return StatementCounter(database.engine)


@pytest.fixture
def explain(database: Database) -> Callable[..., str]:
    """The PostgreSQL plan of a statement, as text."""

    def plan(sql: str, **params: object) -> str:
        with database.engine.connect() as conn:
            return "\n".join(row[0] for row in conn.execute(text(f"EXPLAIN {sql}"), params))

    return plan


def device(name: str, provider: str = "acme", platform: str = "cisco_ios") -> Device:
    return Device(name=name, hostname=f"{name}.example.net", platform=platform, provider=provider)


def result(
    name: str,
    at: datetime,
    *,
    ok: bool = True,
    changed: bool = False,
    error: ErrorClass = ErrorClass.TIMEOUT,
    message: str = "",
) -> BackupRecord:
    return BackupRecord(
        device=name,
        status=BackupStatus.OK if ok else BackupStatus.FAILED,
        started_at=at,
        ended_at=at + timedelta(seconds=2),
        error_class=None if ok else error,
        message="" if ok else (message or f"{error.value} on {name}"),
        bytes=1234 if ok else 0,
        blob_id="ab" * 20 if ok else None,
        changed=changed,
    )


@dataclass
class FleetBuilder:
    """Writes devices and runs through the real Store, the way the service will."""

    database: Database
    device = staticmethod(device)
    result = staticmethod(result)

    def devices(self, count: int, prefix: str = "r", **kwargs: str) -> list[Device]:
        fleet = [device(f"{prefix}{i:05d}", **kwargs) for i in range(count)]
        self.database.store.sync_devices(fleet)
        return fleet

    def run(
        self,
        results: list[BackupRecord],
        status: RunStatus = RunStatus.PARTIAL,
        commit: str | None = None,
    ) -> int:
        store = self.database.store
        run_id = store.start_run(workers=50, selection="all", pid=os.getpid(), hostname="testhost")
        store.record_backups(run_id, results)
        store.finish_run(run_id, status, commit)
        return run_id


@pytest.fixture
def fleet(database: Database) -> FleetBuilder:
    return FleetBuilder(database)
