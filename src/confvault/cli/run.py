"""``confvault run``: back up the selected active devices."""

from __future__ import annotations

import logging
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from confvault.cli.context import AppContext
from confvault.cli.options import (
    device_option,
    json_option,
    platform_option,
    provider_option,
    timeout_option,
    workers_option,
)
from confvault.cli.output import console, emit_json, table
from confvault.models import CollectResult

if TYPE_CHECKING:
    from confvault.service.backup import RunReport


class _ProgressDisplay:
    """Devices done / failed / ETA on a terminal; silent otherwise (cron, CI, --json)."""

    def __init__(self, enabled: bool) -> None:
        self._progress = (
            Progress(
                TextColumn("[bold]backup"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[failed]} failed"),
                TimeRemainingColumn(),
                transient=True,
            )
            if enabled
            else None
        )
        self._task_id: TaskID | None = None
        self._outcome: dict[str, bool] = {}

    def start(self, total: int) -> None:
        if self._progress is not None:
            self._progress.start()
            self._task_id = self._progress.add_task("backup", total=total, failed=0)

    def update(self, result: CollectResult) -> None:
        self._outcome[result.device] = result.ok
        if self._progress is not None and self._task_id is not None:
            failed = sum(1 for ok in self._outcome.values() if not ok)
            self._progress.update(self._task_id, completed=len(self._outcome), failed=failed)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()


# the runner's per-device step log (confvault.runner.trace); named, not imported: cli -> service
_STEPS_LOGGER = "confvault.runner.steps"


def _show_steps_on_stderr() -> None:
    """--verbose: each device's steps (connect, login, prompt, commands) as lines on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    steps = logging.getLogger(_STEPS_LOGGER)
    steps.addHandler(handler)
    steps.setLevel(logging.INFO)
    steps.propagate = False


def _interrupt_on_sigterm() -> None:
    """SIGTERM (systemd stop, kill) behaves like Ctrl-C: stop starting devices, keep the rest."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def _report_json(report: RunReport) -> dict[str, object]:
    changed = report.commit.changed
    return {
        "run_id": report.run_id,
        "status": report.status,
        "exit_code": report.exit_code,
        "started_at": report.started_at,
        "ended_at": report.ended_at,
        "devices": len(report.results),
        "ok": report.ok_count,
        "failed": len(report.failed),
        "changed": len(changed),
        "commit": report.commit.commit_id,
        "changed_devices": list(report.changed_devices),
        "failures": [
            {
                "device": r.device,
                "provider": r.provider,
                "platform": r.platform,
                "error_class": r.error_class,
                "message": r.message,
                "attempts": r.attempts,
            }
            for r in report.failed
        ],
        "timings": dict(report.timings),
        "status_pending": str(report.status_pending) if report.status_pending else None,
        "warnings": list(report.commit.warnings),
    }


def _print_report(report: RunReport, seconds: float) -> None:
    out = console()
    changed = report.commit.changed
    commit = (
        report.commit.commit_id[:12] if report.commit.commit_id else "no commit (nothing changed)"
    )
    out.print(
        f"run {report.run_id}: {report.status.value}: {len(report.results)} devices, "
        f"{report.ok_count} ok, {len(report.failed)} failed, {len(changed)} changed "
        f"in {seconds:.1f} s; {commit}"
    )
    if report.status_pending:
        out.print(
            f"database unavailable: status of run {report.run_id} kept in "
            f"{report.status_pending}; the next run writes it"
        )
    for warning in report.commit.warnings:
        out.print(f"warning: {warning}", markup=False, highlight=False)
    if changed:
        names = ", ".join(report.changed_devices[:20])
        more = f" (+{len(changed) - 20} more)" if len(changed) > 20 else ""
        out.print(f"changed: {names}{more}")
    if report.failed:
        failures = table("failed devices", ("device", "provider", "platform", "error", "message"))
        for r in report.failed:
            # whole: the table wraps a long message (the --accept-shrink hint ends in its advice)
            failures.add_row(r.device, r.provider, r.platform, str(r.error_class), r.message)
        out.print(failures)


@click.command("run")
@device_option()
@provider_option("Only devices of this provider (tenant).")
@platform_option("Only devices of this platform (netmiko device_type).")
@workers_option()
@timeout_option()
@click.option(
    "--ramp-up",
    "ramp_up",
    type=float,
    help="Spread the first logins over this many seconds (BACKUP_RAMP_UP, default 1; 0: no ramp).",
)
@click.option("--retries", type=int, help="Extra rounds for transient failures (default 2).")
@click.option("--mask-secrets/--no-mask-secrets", default=None, help="Mask secrets in the archive.")
@click.option(
    "--accept-shrink",
    "accept_shrink",
    multiple=True,
    metavar="DEVICE",
    help="Archive DEVICE even if its config shrank below half the archived size (repeatable).",
)
@click.option(
    "--session-log",
    "session_log_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep each device's raw session (secrets masked) as DIR/<device>.log "
    "(setting session_log_dir).",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Show each device's steps (connect, login, prompt, commands: bytes, time) on stderr.",
)
@json_option("Print the run report as JSON.")
@click.pass_obj
def run_command(
    app: AppContext,
    devices: tuple[str, ...],
    provider: str | None,
    platform: str | None,
    workers: int | None,
    timeout: float | None,
    ramp_up: float | None,
    retries: int | None,
    mask_secrets: bool | None,
    accept_shrink: tuple[str, ...],
    session_log_dir: Path | None,
    verbose: bool,
    as_json: bool,
) -> None:
    """Back up every active device of the inventory (or the selected ones)."""
    from confvault.service.backup import Selection, run_backup  # nornir/netmiko load only here

    settings = app.settings(
        workers=workers,
        timeout=timeout,
        ramp_up=ramp_up,
        retries=retries,
        mask_secrets=mask_secrets,
        session_log_dir=session_log_dir,
    )
    if verbose:
        _show_steps_on_stderr()
    _interrupt_on_sigterm()
    display = _ProgressDisplay(enabled=not as_json and sys.stdout.isatty())
    started = time.perf_counter()
    try:
        report = run_backup(
            settings,
            Selection(names=devices, provider=provider, platform=platform),
            on_start=display.start,
            on_result=display.update,
            accept_shrink=accept_shrink,
        )
    finally:
        display.stop()
    if as_json:
        emit_json(_report_json(report))
    else:
        _print_report(report, time.perf_counter() - started)
    sys.exit(report.exit_code)
