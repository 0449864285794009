"""``init`` and ``db``: create a project, manage the database schema."""

from __future__ import annotations

import os
from pathlib import Path

import click

from confvault.cli.context import AppContext
from confvault.service import init_project, open_database


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
def init_command(directory: Path) -> None:
    """Create a ready-to-edit project in DIRECTORY: settings, nornir.yaml, inventory, an empty
    archive repository and an SQLite database. Existing files are never overwritten."""
    written, settings = init_project(directory, env=os.environ)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"archive: {settings.archive_path}")
    click.echo(f"database: {settings.database_url_redacted}")
    click.echo("next: edit inventory/hosts.yaml, export the credentials it names, `confvault run`")


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.pass_obj
def db_upgrade(app: AppContext) -> None:
    """Apply every pending migration."""
    settings = app.settings()
    with open_database(settings, migrate_empty=False, check=False) as database:
        before = database.current_revision()
        database.upgrade()
        after = database.current_revision()
    click.echo(f"{settings.database_url_redacted}: schema {before or 'empty'} -> {after}")


@db_group.command("current")
@click.pass_obj
def db_current(app: AppContext) -> None:
    """Print the database's schema revision."""
    settings = app.settings()
    with open_database(settings, migrate_empty=False, check=False) as database:
        click.echo(database.current_revision() or "empty (run `confvault db upgrade`)")
