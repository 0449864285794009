"""Database fixtures: SQLite always, PostgreSQL when one can be found or started.

PostgreSQL comes from, in order: ``CONFVAULT_TEST_PG_URL``; the local server at
127.0.0.1:5432 (user postgres) if it answers; a throwaway cluster made with initdb/pg_ctl from
/usr/lib/postgresql/*/bin in a temp dir; otherwise the postgres-marked tests skip. Each session
gets a fresh uniquely named database, dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

from confvault.db import BackupRecord, Database, upgrade
from confvault.models import BackupStatus, Device, ErrorClass, RunStatus

LOCAL_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TABLES = ("backups", "runs", "devices")


def _answers(url: str) -> bool:
    try:
        with closing(psycopg2.connect(url, connect_timeout=3)):
            return True
    except psycopg2.Error:
        return False


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres_user(*command: str) -> list[str]:
    """initdb refuses to run as root: run the server tools as the postgres OS user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


@contextmanager
def _throwaway_cluster() -> Iterator[str | None]:
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not bins:
        yield None
        return
    bindir = bins[-1].parent
    workdir = Path(tempfile.mkdtemp(prefix="confvault-pg-"))
    datadir = workdir / "data"
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
        workdir.chmod(0o700)
    port = _free_port()
    started = False
    try:
        subprocess.run(
            _as_postgres_user(str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres",
                              "--auth=trust", "-E", "UTF8"),
            check=True, capture_output=True,
        )  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {workdir} -c fsync=off"
        subprocess.run(
            _as_postgres_user(str(bindir / "pg_ctl"), "-D", str(datadir), "-o", options,
                              "-l", str(workdir / "log"), "-w", "start"),
            check=True, capture_output=True,
        )  # fmt: skip
        started = True
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    except (OSError, subprocess.CalledProcessError):
        yield None
    finally:
        if started:
            subprocess.run(
                _as_postgres_user(str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate",
                                  "stop"),
                check=False, capture_output=True,
            )  # fmt: skip
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A URL to a maintenance database on a PostgreSQL server we may create databases on."""
    explicit = os.environ.get("CONFVAULT_TEST_PG_URL")
    if explicit:
        yield explicit
    elif _answers(LOCAL_PG_URL):
        yield LOCAL_PG_URL
    else:
        with _throwaway_cluster() as url:
            if url is None:
                pytest.skip("no PostgreSQL: set CONFVAULT_TEST_PG_URL or install postgresql")
            yield url


def _admin(admin_url: str, sql: str) -> None:
    with closing(psycopg2.connect(admin_url)) as conn:
        conn.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
        with conn.cursor() as cursor:
            cursor.execute(sql)


@pytest.fixture(scope="session")
def new_pg_database(pg_admin_url: str) -> Iterator[Callable[[], str]]:
    """Factory of fresh, empty, uniquely named databases; all dropped at session end."""
    created: list[str] = []

    def create() -> str:
        name = f"confvault_test_{uuid.uuid4().hex[:12]}"
        _admin(pg_admin_url, f'CREATE DATABASE "{name}"')
        created.append(name)
        return make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)

    yield create
    for name in created:
        _admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    _admin(url, f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
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

    def _record(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
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

    def plan(sql: str, **params: Any) -> str:
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
