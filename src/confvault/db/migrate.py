"""Schema migrations configured in code: upgrade, downgrade, current, head_revision."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL

from confvault.db.engine import make_engine, translated_errors

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@contextmanager
def _connection(url_or_engine: str | URL | Engine, action: str) -> Iterator[Connection]:
    owned = not isinstance(url_or_engine, Engine)
    engine = make_engine(url_or_engine) if not isinstance(url_or_engine, Engine) else url_or_engine
    try:
        with translated_errors(action, engine.url), engine.begin() as connection:
            yield connection
    finally:
        if owned:
            engine.dispose()


def upgrade(url_or_engine: str | URL | Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (idempotent: an up-to-date database is left alone)."""
    with _connection(url_or_engine, "cannot migrate database") as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(url_or_engine: str | URL | Engine, revision: str = "base") -> None:
    with _connection(url_or_engine, "cannot migrate database") as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current(url_or_engine: str | URL | Engine) -> str | None:
    """The database's revision, or None for an empty (never migrated) database."""
    with _connection(url_or_engine, "cannot read the schema revision of") as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # only if the package lost its migration files
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head
