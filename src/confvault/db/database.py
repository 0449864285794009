"""``Database``: the one object the service layer holds (engine + writer + queries + schema)."""

from __future__ import annotations

import time
from types import TracebackType

from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from confvault.db import migrate
from confvault.db.engine import display_url, make_engine, translated_errors
from confvault.db.queries import Queries
from confvault.db.retention import Retention
from confvault.db.store import Store
from confvault.errors import DatabaseError


class Database:
    """Opens (and checks) the connection at construction; use as a context manager."""

    def __init__(
        self,
        url: str | URL,
        *,
        pool_size: int = 5,
        max_overflow: int = 5,
        pool_timeout: float = 30.0,
        connect_delays: tuple[float, ...] = (),
    ) -> None:
        self.engine = make_engine(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_timeout=pool_timeout,
            check=False,
        )
        self.wait_for_server(connect_delays)
        self.display_url = display_url(self.engine.url)
        self.store = Store(self.engine)
        self.queries = Queries(self.engine)
        self.retention = Retention(self.engine)

    def wait_for_server(self, delays: tuple[float, ...] = ()) -> None:
        """Connect once; a PostgreSQL server that refuses or drops the connection (restarting as a
        scheduled run starts) is tried again after each of ``delays``."""
        if self.engine.dialect.name == "postgresql":
            for delay in delays:
                try:
                    with self.engine.connect():
                        return
                except OperationalError:
                    time.sleep(delay)
        with (
            translated_errors("cannot connect to database", self.engine.url),
            self.engine.connect(),
        ):
            pass

    def upgrade(self) -> None:
        migrate.upgrade(self.engine)

    def current_revision(self) -> str | None:
        return migrate.current(self.engine)

    def check_schema(self) -> None:
        """Refuse to work on a database whose schema is not the one this code expects."""
        found, wanted = self.current_revision(), migrate.head_revision()
        if found != wanted:
            raise DatabaseError(
                f"database {self.display_url} is at schema revision {found or 'none'}, "
                f"confvault needs {wanted}: run `confvault db upgrade`"
            )

    def close(self) -> None:
        self.store.close()
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
