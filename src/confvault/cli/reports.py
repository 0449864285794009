"""``status``, ``devices`` and ``runs``: what the database knows, in a fixed number of queries."""

from __future__ import annotations

import sys

import click

from confvault.cli.context import AppContext
from confvault.cli.options import json_option, limit_option, platform_option, provider_option
from confvault.cli.output import age, console, emit_json, table, when
from confvault.models import RunStatus
from confvault.service import DeviceState, device_page, runs, status


def _state_row(d: DeviceState) -> tuple[str, ...]:
    return (
        d.name,
        d.provider,
        d.platform,
        d.last_status.value if d.last_status else "never",
        str(d.last_error_class or ""),
        age(d.last_success_at),
        when(d.last_change_at),
    )


_STATE_COLUMNS = ("device", "provider", "platform", "status", "error", "last success", "changed")


@click.command("status")
@provider_option()
@click.option("--failed", "failed_only", is_flag=True, help="Only list failed devices.")
@click.option(
    "--stale",
    "stale_hours",
    type=click.FloatRange(min=0, min_open=True),
    help="Stale after this many hours without success (default: stale_hours setting).",
)
@json_option()
@click.pass_obj
def status_command(
    app: AppContext,
    provider: str | None,
    failed_only: bool,
    stale_hours: float | None,
    as_json: bool,
) -> None:
    """The dashboard: last run, totals, failed devices, stale devices.

    Exits 1 when any active device is failing or stale, or the last run was aborted (its
    process died), so a monitoring check can use it.
    """
    report = status(app.settings(), provider=provider, stale_hours=stale_hours)
    s = report.summary
    if as_json:
        emit_json(report)
    else:
        out = console()
        if not failed_only:
            last = s.last_run
            run_line = (
                f"run {last.id} {last.status.value} at {when(last.started_at)}: "
                f"{last.devices_total} devices, {last.ok} ok, {last.failed} failed, "
                f"{last.changed} changed"
                if last
                else "no run yet"
            )
            out.print(f"last run: {run_line}")
            out.print(
                f"active devices: {s.active_devices}  ok: {s.ok}  failed: {s.failed}  "
                f"never backed up: {s.never_backed_up}  stale (>{s.stale_hours:g} h): {s.stale}"
            )
        if report.failed:
            failed = table(
                "failed devices",
                ("device", "provider", "platform", "error", "message", "failing since"),
            )
            for d in report.failed:
                failed.add_row(
                    d.name,
                    d.provider,
                    d.platform,
                    str(d.last_error_class or ""),
                    (d.last_error_message or "")[:100],
                    when(d.failing_since),
                )
            out.print(failed)
        if report.stale and not failed_only:
            stale = table(f"stale devices (no success for {s.stale_hours:g} h)", _STATE_COLUMNS)
            for d in report.stale:
                stale.add_row(*_state_row(d))
            out.print(stale)
    dead_run = s.last_run is not None and s.last_run.status is RunStatus.ABORTED
    sys.exit(1 if s.failed or s.stale or dead_run else 0)


@click.command("devices")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--per-page", type=click.IntRange(1, 1000), default=50, show_default=True)
@provider_option()
@platform_option()
@click.option(
    "--status",
    "status_filter",
    type=click.Choice(["ok", "failed", "never"]),
    help="Only devices whose latest backup has this status.",
)
@json_option()
@click.pass_obj
def devices_command(
    app: AppContext,
    page: int,
    per_page: int,
    provider: str | None,
    platform: str | None,
    status_filter: str | None,
    as_json: bool,
) -> None:
    """Active devices with their latest backup state, a page at a time."""
    result = device_page(
        app.settings(),
        page=page,
        per_page=per_page,
        provider=provider,
        platform=platform,
        status=status_filter,
    )
    if as_json:
        emit_json(
            {
                "page": result.page,
                "per_page": result.per_page,
                "pages": result.pages,
                "total": result.total,
                "devices": result.items,
            }
        )
        return
    devices = table(
        f"devices, page {result.page} of {result.pages} ({result.total} in all)", _STATE_COLUMNS
    )
    for d in result.items:
        devices.add_row(*_state_row(d))
    console().print(devices)


@click.command("runs")
@limit_option(maximum=1000)
@json_option()
@click.pass_obj
def runs_command(app: AppContext, limit: int, as_json: bool) -> None:
    """The latest runs, newest first."""
    records = runs(app.settings(), limit=limit)
    if as_json:
        emit_json(records)
        return
    listing = table(
        "runs",
        ("run", "started", "status", "devices", "ok", "failed", "changed", "seconds", "commit"),
    )
    for r in records:
        listing.add_row(
            str(r.id),
            when(r.started_at),
            r.status.value,
            str(r.devices_total),
            str(r.ok),
            str(r.failed),
            str(r.changed),
            f"{r.duration_s:.1f}" if r.duration_s is not None else "-",
            (r.commit_id or "")[:12],
        )
    console().print(listing)
