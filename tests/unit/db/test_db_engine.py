"""Engine construction: SQLite set-up, and one-line errors that never show a password."""

from __future__ import annotations

import socket
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from confvault.db import Database, make_engine
from confvault.errors import EXIT_CANNOT_RUN, DatabaseError
from confvault.urls import redact_url

PASSWORD = "s3cr3t-Pa55"


def _closed_loopback_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when we return: nothing listens


def test_redact_url_hides_the_password_only() -> None:
    assert redact_url(f"postgresql://app:{PASSWORD}@db/confvault") == (
        "postgresql://app:***@db/confvault"
    )
    assert redact_url("sqlite:///data/status.db") == "sqlite:///data/status.db"


def test_sqlite_file_gets_its_folder_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there" / "status.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
    finally:
        engine.dispose()
    assert path.exists()


def test_unreachable_postgres_is_one_line_without_the_password() -> None:
    port = _closed_loopback_port()
    url = f"postgresql://app:{PASSWORD}@127.0.0.1:{port}/confvault"
    with pytest.raises(DatabaseError) as caught:
        make_engine(url)
    message = str(caught.value)
    assert message.startswith(
        f"cannot connect to database postgresql://app:***@127.0.0.1:{port}/confvault: "
    )
    assert PASSWORD not in message
    assert "\n" not in message
    assert caught.value.exit_code == EXIT_CANNOT_RUN
    assert caught.value.__cause__ is None  # no chained driver traceback to print


@pytest.mark.parametrize(
    ("url", "start"),
    [
        (f"mysql://root:{PASSWORD}@127.0.0.1/x", "unsupported database mysql://root:***@"),
        (f"postgresql+asyncpg://app:{PASSWORD}@127.0.0.1/x", "unsupported PostgreSQL driver"),
        (f"not a url://app:{PASSWORD}@host", "invalid database URL"),
        ("", "invalid database URL"),
    ],
)
def test_bad_urls_are_refused_in_one_line_without_the_password(url: str, start: str) -> None:
    with pytest.raises(DatabaseError) as caught:
        make_engine(url)
    message = str(caught.value)
    assert message.startswith(start)
    assert PASSWORD not in message
    assert "\n" not in message


def test_sqlite_folder_that_cannot_be_made_names_the_url(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(DatabaseError, match="cannot create the folder for sqlite:///"):
        make_engine(f"sqlite:///{blocker / 'status.db'}")


def test_sqlite_path_that_is_a_folder_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match=f"cannot connect to database sqlite:///{tmp_path}"):
        make_engine(f"sqlite:///{tmp_path}")


def test_schema_check_asks_for_an_upgrade_until_one_is_done(tmp_path: Path) -> None:
    with Database(f"sqlite:///{tmp_path / 'status.db'}") as db:
        with pytest.raises(DatabaseError, match=r"schema revision none, .*confvault db upgrade"):
            db.check_schema()
        db.upgrade()
        db.check_schema()
        assert db.current_revision() is not None
