"""Fixtures shared by every test: PostgreSQL servers and databases.

PostgreSQL comes from, in order: ``CONFVAULT_TEST_PG_URL``; the local server at 127.0.0.1:5432
(user postgres) if it answers; a throwaway cluster made with initdb/pg_ctl from
/usr/lib/postgresql/*/bin in a temp dir; otherwise postgres-marked tests skip. Each session gets
fresh uniquely named databases, dropped at the end.
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
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy.engine import make_url


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/data/platforms/*/*/expected.cfg from the current rules",
    )


LOCAL_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


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


class ThrowawayCluster:
    """A private PostgreSQL cluster made with initdb in a temp dir, which a test may stop and
    start again (a server restart as operators see it)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.workdir = Path(tempfile.mkdtemp(prefix="confvault-pg-"))
        self.datadir = self.workdir / "data"
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
            self.workdir.chmod(0o700)
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        subprocess.run(
            _as_postgres_user(str(bindir / "initdb"), "-D", str(self.datadir), "-U", "postgres",
                              "--auth=trust", "-E", "UTF8"),
            check=True, capture_output=True,
        )  # fmt: skip

    @classmethod
    def binaries(cls) -> Path | None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        return found[-1].parent if found else None

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        subprocess.run(
            _as_postgres_user(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), *args),
            check=check, capture_output=True,
        )  # fmt: skip

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.workdir} -c fsync=off"
        self._pg_ctl("-o", options, "-l", str(self.workdir / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextmanager
def _throwaway_cluster() -> Iterator[str | None]:
    bindir = ThrowawayCluster.binaries()
    if bindir is None:
        yield None
        return
    cluster: ThrowawayCluster | None = None
    try:
        cluster = ThrowawayCluster(bindir)
        cluster.start()
        yield cluster.url
    except (OSError, subprocess.CalledProcessError):
        yield None
    finally:
        if cluster is not None:
            cluster.remove()


@pytest.fixture
def restartable_pg() -> Iterator[ThrowawayCluster]:
    """A running private cluster the test may stop and start; skips without server binaries."""
    bindir = ThrowawayCluster.binaries()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (Debian package postgresql) are not installed")
    cluster = ThrowawayCluster(bindir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


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
