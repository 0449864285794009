"""``history``, ``diff`` and ``show``: a device's archived configurations (plain Git underneath)."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from confvault.cli.context import AppContext
from confvault.cli.options import json_option, limit_option
from confvault.cli.output import console, emit_json, table, when
from confvault.errors import ConfigError
from confvault.service import diff, history, show


def _parse_when(text: str) -> datetime:
    """``2026-11-01`` (end of that day, UTC) or any ISO 8601 date-time (UTC unless given)."""
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text).replace(tzinfo=UTC)
            return day.replace(hour=23, minute=59, second=59)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"--at: expected a date like 2026-11-01 or 2026-11-01T12:00, got {text!r}"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@click.command("history")
@click.argument("device")
@limit_option(maximum=10000)
@json_option()
@click.pass_obj
def history_command(app: AppContext, device: str, limit: int, as_json: bool) -> None:
    """The archive commits that changed DEVICE, newest first."""
    path, commits = history(app.settings(), device, limit=limit)
    if as_json:
        emit_json({"device": device, "path": path, "commits": commits})
        return
    listing = table(f"{path}: {len(commits)} change(s)", ("commit", "date", "run", "summary"))
    for c in commits:
        listing.add_row(c.commit_id[:12], when(c.authored_at), str(c.run_id or "-"), c.summary)
    console().print(listing)


@click.command("diff")
@click.argument("device")
@click.argument("rev_a", required=False)
@click.argument("rev_b", required=False)
@click.pass_obj
def diff_command(app: AppContext, device: str, rev_a: str | None, rev_b: str | None) -> None:
    """DEVICE's last change; with REV_A, REV_A..HEAD; with both, REV_A..REV_B."""
    click.echo(diff(app.settings(), device, rev_a, rev_b), nl=False)


@click.command("show")
@click.argument("device")
@click.option(
    "--at", "at_text", help="As archived at this date/time (2026-11-01 = end of day, UTC)."
)
@click.option("--rev", help="As archived in this commit.")
@click.pass_obj
def show_command(app: AppContext, device: str, at_text: str | None, rev: str | None) -> None:
    """Print DEVICE's archived configuration (latest, --at a date, or --rev a commit)."""
    if at_text and rev:
        raise ConfigError("show: give --at or --rev, not both")
    at = _parse_when(at_text) if at_text else None
    click.echo(show(app.settings(), device, rev=rev, at=at), nl=False)
