"""``run_backup``: inventory -> collection -> one Git commit -> batched status rows.

Worker threads only talk to devices (``confvault.runner``). Everything that writes (Git, the
database, the progress display) happens here, in the calling thread.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from confvault.config_repo import ConfigRepo
from confvault.db import Database
from confvault.db.records import BackupRecord
from confvault.inventory import load_inventory
from confvault.models import BackupStatus, CollectResult, CommitOutcome, Device, RunStatus
from confvault.runner import Collection, RunnerOptions
from confvault.service.lock import RunLock, other_host_run_alive
from confvault.service.project import open_archive, open_database
from confvault.settings import Settings

DB_BATCH = 500
RETRY_BACKOFF_S = (2.0, 5.0, 10.0)

ProgressCallback = Callable[[CollectResult], None]


@dataclass(frozen=True, slots=True)
class Selection:
    names: tuple[str, ...] = ()
    provider: str | None = None
    platform: str | None = None

    def describe(self) -> str:
        parts = [f"device={n}" for n in self.names]
        if self.provider:
            parts.append(f"provider={self.provider}")
        if self.platform:
            parts.append(f"platform={self.platform}")
        return " ".join(parts) or "all active devices"


@dataclass(frozen=True, slots=True)
class RunReport:
    run_id: int
    status: RunStatus
    started_at: datetime
    ended_at: datetime
    results: tuple[CollectResult, ...]
    commit: CommitOutcome
    timings: Mapping[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> tuple[CollectResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def ok_count(self) -> int:
        return sum(1 for r in self.results if r.ok)

    @property
    def exit_code(self) -> int:
        return 0 if self.status is RunStatus.COMPLETED else 1


def _backup_records(results: Sequence[CollectResult], commit: CommitOutcome) -> list[BackupRecord]:
    archived = {change.device: change for change in commit.files}
    records = []
    for result in results:
        change = archived.get(result.device)
        records.append(
            BackupRecord(
                device=result.device,
                status=BackupStatus.OK if result.ok else BackupStatus.FAILED,
                started_at=result.started_at,
                ended_at=result.ended_at,
                error_class=result.error_class,
                message=result.message,
                bytes=change.size if change else 0,
                blob_id=change.blob_id if change else None,
                changed=change.changed if change else False,
                commit_id=commit.commit_id if change and change.changed else None,
                attempts=result.attempts,
            )
        )
    return records


def _collect(
    devices: Sequence[Device],
    settings: Settings,
    workers: int,
    on_result: ProgressCallback | None,
) -> tuple[dict[str, CollectResult], bool]:
    """Collect every device, then give transient failures more rounds -> (results, stopped)."""
    options = RunnerOptions(
        workers=workers, timeout=settings.timeout, mask_secrets=settings.mask_secrets
    )
    results: dict[str, CollectResult] = {}
    pending = list(devices)
    for attempt in range(1, settings.retries + 2):
        collection = Collection(pending, options, attempt=attempt)
        try:
            for result in collection:
                results[result.device] = result
                if on_result is not None:
                    on_result(result)  # retried devices report again; the display keys by name
        except KeyboardInterrupt:
            collection.stop()
            return results, True
        pending = [
            d
            for d in pending
            if (r := results.get(d.name)) is not None
            and r.error_class is not None
            and r.error_class.transient
        ]
        if not pending or attempt > settings.retries:
            break
        time.sleep(RETRY_BACKOFF_S[min(attempt - 1, len(RETRY_BACKOFF_S) - 1)])
    return results, False


def run_backup(
    settings: Settings,
    selection: Selection = Selection(),
    *,
    env: Mapping[str, str] | None = None,
    on_result: ProgressCallback | None = None,
    on_start: Callable[[int], None] | None = None,
) -> RunReport:
    """Back up the selected active devices. Raises ConfvaultError subclasses for bad input (exit 2)
    or an unusable database/archive (exit 3) before any device is contacted."""
    timings: dict[str, float] = {}
    inventory = load_inventory(settings.nornir_config, env=os.environ if env is None else env)
    devices = inventory.select(
        names=selection.names, provider=selection.provider, platform=selection.platform
    )
    by_name = {d.name: d for d in devices}
    workers = settings.workers
    with open_database(settings) as database:
        repo = open_archive(settings)
        with RunLock(repo.git_dir):
            repo.prepare()
            store = database.store
            store.mark_dead_runs(other_host_run_alive)
            store.sync_devices(inventory.devices)
            run_id = store.start_run(
                workers, selection.describe(), os.getpid(), socket.gethostname()
            )
            started = datetime.now(UTC)
            if on_start is not None:
                on_start(len(devices))
            tick = time.perf_counter()
            results, interrupted = _collect(devices, settings, workers, on_result)
            timings["collect_s"] = time.perf_counter() - tick
            return _archive_and_record(
                database, repo, run_id, started, results, by_name, interrupted, timings
            )


def _archive_and_record(
    database: Database,
    repo: ConfigRepo,
    run_id: int,
    started: datetime,
    results: Mapping[str, CollectResult],
    by_name: Mapping[str, Device],
    interrupted: bool,
    timings: dict[str, float],
) -> RunReport:
    ordered = [results[name] for name in by_name if name in results]
    files = {
        by_name[r.device].archive_path: r.config for r in ordered if r.ok and r.config is not None
    }
    tick = time.perf_counter()
    commit = repo.commit_run(files, run_id=run_id)
    if commit.commit_id is not None:
        repo.write_commit_graph()
    timings["commit_s"] = time.perf_counter() - tick

    tick = time.perf_counter()
    records = _backup_records(ordered, commit)
    for start in range(0, len(records), DB_BATCH):
        database.store.record_backups(run_id, records[start : start + DB_BATCH])
    if interrupted:
        status = RunStatus.INTERRUPTED
    elif all(r.ok for r in ordered) and len(ordered) == len(by_name):
        status = RunStatus.COMPLETED
    else:
        status = RunStatus.PARTIAL
    database.store.finish_run(run_id, status, commit.commit_id)
    timings["db_s"] = time.perf_counter() - tick
    return RunReport(
        run_id=run_id,
        status=status,
        started_at=started,
        ended_at=datetime.now(UTC),
        results=tuple(ordered),
        commit=commit,
        timings=timings,
    )
