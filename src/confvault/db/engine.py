"""Engine construction and the translation of driver errors into one-line ``DatabaseError``s."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from confvault.errors import DatabaseError
from confvault.urls import password_span, redact_url

SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 10
# A restarted PostgreSQL server drops every connection: reconnect after each of these, whether a
# run is starting (Database(connect_delays=...)) or writing (Store), before giving up.
RECONNECT_DELAYS_S: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)


def parse_url(url: str | URL) -> URL:
    """SQLAlchemy's URL, with a password holding '@' read whole.

    SQLAlchemy ends the password at its first '@' and takes the rest as part of the host, which
    then shows up in a driver's "could not translate host name" message.
    """
    if isinstance(url, URL):
        return url
    span = password_span(url)
    if span is not None:
        start, end = span
        url = url[:start] + url[start:end].replace("@", "%40") + url[end:]
    return make_url(url)


def check_url(url: str) -> None:
    """ValueError unless SQLAlchemy can parse ``url`` (settings call it to name the bad field)."""
    try:
        parse_url(url)
    except (ArgumentError, ValueError):
        raise ValueError("not a valid database URL") from None


def display_url(url: str | URL) -> str:
    """The URL as a user may see it: ``postgresql://app:***@db/confvault``."""
    if isinstance(url, URL):
        if url.drivername == "postgresql+psycopg2":  # the driver we pin; users write postgresql://
            url = url.set(drivername="postgresql")
        url = url.render_as_string(hide_password=False)
    return redact_url(url)


def _first_line(error: BaseException, url: URL | None) -> str:
    """The driver's reason in one line, with the password scrubbed in case a driver echoes it."""
    original = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    text = lines[0] if lines else type(original).__name__
    password = url.password if url is not None else None
    if password:
        text = text.replace(str(password), "***")
    return text


def database_error(action: str, url: str | URL, error: BaseException) -> DatabaseError:
    parsed = url if isinstance(url, URL) else None
    return DatabaseError(f"{action} {display_url(url)}: {_first_line(error, parsed)}")


@contextmanager
def translated_errors(action: str, url: URL) -> Iterator[None]:
    """Turn any SQLAlchemy/driver error raised inside into a one-line ``DatabaseError``."""
    try:
        yield
    except SQLAlchemyError as error:
        raise database_error(action, url, error) from None


def _sqlite_file(url: URL) -> Path | None:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets status readers run while the writer commits; FKs are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def make_engine(
    url: str | URL,
    *,
    pool_size: int = 5,
    max_overflow: int = 5,
    pool_timeout: float = 30.0,
    check: bool = True,
) -> Engine:
    """Build an engine for SQLite or PostgreSQL (psycopg2) and, with ``check``, connect once.

    Every problem (malformed URL, unknown driver, server down, bad credentials, unwritable folder)
    raises ``DatabaseError`` whose single line shows the URL with the password hidden.
    """
    try:
        parsed = parse_url(url)
    except (ArgumentError, ValueError) as error:
        raise DatabaseError(f"invalid database URL {display_url(url)}: {error}") from None

    kwargs: dict[str, Any] = {}
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = _sqlite_file(parsed)
        if path is not None:
            try:
                path.expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise database_error("cannot create the folder for", parsed, error) from None
            kwargs.update(pool_size=pool_size, max_overflow=max_overflow, pool_timeout=pool_timeout)
    elif backend == "postgresql":
        # SQLAlchemy 2.1 maps a bare "postgresql://" to psycopg 3; confvault ships psycopg2.
        if parsed.drivername not in ("postgresql", "postgresql+psycopg2"):
            raise DatabaseError(
                f"unsupported PostgreSQL driver in {display_url(parsed)}: use psycopg2"
            )
        parsed = parsed.set(drivername="postgresql+psycopg2")
        kwargs.update(
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_timeout=pool_timeout,
            pool_pre_ping=True,
            connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
            # Batch executemany UPDATEs into pages instead of one round trip per row.
            executemany_mode="values_plus_batch",
            executemany_batch_page_size=500,
        )
    else:
        raise DatabaseError(
            f"unsupported database {display_url(parsed)}: use sqlite:///PATH or postgresql://..."
        )

    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as error:
        raise database_error("cannot use database", parsed, error) from None
    if backend == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    if check:
        with translated_errors("cannot connect to database", parsed), engine.connect():
            pass
    return engine
