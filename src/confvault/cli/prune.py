"""``prune``: the retention job (cron it separately; a backup never prunes)."""

from __future__ import annotations

import click

from confvault.cli.context import AppContext
from confvault.cli.options import json_option
from confvault.cli.output import console, emit_json, table, when
from confvault.service import DEFAULT_BATCH_SIZE
from confvault.service.prune import prune


@click.command("prune")
@click.option(
    "--older-than",
    required=True,
    metavar="AGE",
    help="Delete backup rows older than this: a whole number and h, d or w (90d, 12h, 2w).",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted, per provider.")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    help="Ids per delete transaction.",
)
@json_option()
@click.pass_obj
def prune_command(
    app: AppContext, older_than: str, dry_run: bool, batch_size: int, as_json: bool
) -> None:
    """Delete old backup rows in batches. Each device's latest success and latest failure always
    stay, and runs stay (run history). The Git archive is not touched."""
    report = prune(app.settings(), older_than, dry_run=dry_run, batch_size=batch_size)
    if as_json:
        emit_json(report)
        return
    out = console()
    if not dry_run:
        out.print(
            f"deleted {report.deleted} backup rows older than {when(report.cutoff)} UTC "
            f"in {report.batches} batches ({report.seconds:.1f} s)"
        )
        return
    out.print(
        f"dry run: would delete {report.deleted} backup rows older than {when(report.cutoff)} UTC"
        f"; {report.kept_latest} older rows stay as devices' latest success or failure"
    )
    if report.by_provider:
        per_provider = table("would delete, per provider", ("provider", "rows"))
        for provider, rows in report.by_provider.items():
            per_provider.add_row(provider, str(rows))
        out.print(per_provider)
