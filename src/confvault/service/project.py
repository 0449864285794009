"""Opening a project's parts (database, archive) with the checks every command needs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from confvault.config_repo import ConfigRepo
from confvault.db import RECONNECT_DELAYS_S, Database
from confvault.inventory.scaffold import write_project
from confvault.settings import Settings, load_settings

# A run (cron, a timer) waits this long for a database that is restarting; reports answer at once.
RUN_CONNECT_DELAYS_S = RECONNECT_DELAYS_S


def open_database(
    settings: Settings,
    *,
    migrate_empty: bool = True,
    check: bool = True,
    connect_delays: tuple[float, ...] = (),
) -> Database:
    """Connect (DatabaseError, exit 3, when unreachable after ``connect_delays``) and check the
    schema.

    A database with no schema at all (the embedded default on first use) is migrated to the
    current head; one at another revision must be upgraded on purpose with ``confvault db upgrade``.
    """
    database = Database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        connect_delays=connect_delays,
    )
    try:
        if migrate_empty and database.current_revision() is None:
            database.upgrade()
        if check:
            database.check_schema()
    except BaseException:
        database.close()
        raise
    return database


def open_archive(settings: Settings) -> ConfigRepo:
    """The archive repository; created on first use when its folder does not exist yet."""
    if not settings.archive_path.exists():
        return ConfigRepo.init(
            settings.archive_path,
            author_name=settings.author_name,
            author_email=settings.author_email,
        )
    return ConfigRepo.open(
        settings.archive_path, author_name=settings.author_name, author_email=settings.author_email
    )


def init_project(directory: Path, *, env: Mapping[str, str]) -> tuple[list[Path], Settings]:
    """Write a new project's files, then create its empty archive and migrated database."""
    written = write_project(directory)
    root = directory.absolute()
    settings = load_settings(root / "confvault.yaml", env=env, overrides={}, cwd=root)
    open_archive(settings)
    with open_database(settings):
        pass
    return written, settings
