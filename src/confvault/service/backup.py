"""``run_backup``: inventory -> collection -> one Git commit -> batched status rows.

Worker threads only talk to devices (``confvault.runner``). Everything that writes (Git, the
database, the progress display) happens here, in the calling thread.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from confvault.config_repo import ConfigRepo
from confvault.crash_hook import CRASH_HOOK
from confvault.db import Database
from confvault.db.records import BackupRecord
from confvault.errors import ConfigError, DatabaseError, RepoError
from confvault.inventory import load_inventory, platforms_of_project
from confvault.models import (
    ArchivedChange,
    BackupStatus,
    CollectResult,
    CommitOutcome,
    Device,
    RunStatus,
)
from confvault.runner import DeviceCollection, HostKeyCheck, RunnerOptions, netmiko_device_types
from confvault.service.archive_identity import archive_id
from confvault.service.lock import RunLiveness, RunLock
from confvault.service.project import RUN_CONNECT_DELAYS_S, open_archive, open_database
from confvault.service.recovery import recover_committed_runs
from confvault.service.shrink import guard_shrink
from confvault.service.signals import interrupts_held
from confvault.service.status_journal import PendingRun, StatusJournal
from confvault.service.storage_errors import storage_errors_in_one_line
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
    # Set when the database went away before the run's rows were written: where they wait.
    status_pending: Path | None = None
    changed_devices: tuple[str, ...] = ()  # names, in inventory order, whose file changed

    @property
    def failed(self) -> tuple[CollectResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def ok_count(self) -> int:
        return sum(1 for r in self.results if r.ok)

    @property
    def exit_code(self) -> int:
        """0 only for a complete run whose status is in the database (monitoring must see a
        run whose rows wait in the local journal)."""
        return 0 if self.status is RunStatus.COMPLETED and self.status_pending is None else 1


def _refuse_lost_archive(settings: Settings, database: Database) -> None:
    """A missing archive is created on first use only: once runs are recorded for it, its absence
    means an unmounted disk or a wrong path, and a fresh empty archive would silently drop history.
    Runs of other archives sharing the database say nothing about this one."""
    if settings.archive_path.exists():
        return
    last = database.queries.last_run_of_archive(str(settings.archive_path.absolute()))
    if last is not None:
        raise RepoError(
            f"archive {settings.archive_path} is missing, but the database has runs archived "
            f"there (last: run {last.id}); restore it, or 'git init' it to start over"
        )


@storage_errors_in_one_line
def run_backup(
    settings: Settings,
    selection: Selection = Selection(),
    *,
    env: Mapping[str, str] | None = None,
    on_result: ProgressCallback | None = None,
    on_start: Callable[[int], None] | None = None,
    accept_shrink: Collection[str] = (),
) -> RunReport:
    """Back up the selected active devices. Raises ConfvaultError subclasses for bad input (exit 2)
    or an unusable database/archive (exit 3) before any device is contacted.

    ``accept_shrink`` names devices whose configuration may shrink below half its archived size
    in this run (otherwise held back as SUSPECT). The project's own platforms are in use
    for the run only."""
    with platforms_of_project(settings.platforms_dir, netmiko_device_types()):
        return _run_backup(settings, selection, env, on_result, on_start, accept_shrink)


def _run_backup(
    settings: Settings,
    selection: Selection,
    env: Mapping[str, str] | None,
    on_result: ProgressCallback | None,
    on_start: Callable[[int], None] | None,
    accept_shrink: Collection[str],
) -> RunReport:
    timings: dict[str, float] = {}
    inventory = load_inventory(settings.nornir_config, env=os.environ if env is None else env)
    devices = inventory.select(
        names=selection.names, provider=selection.provider, platform=selection.platform
    )
    unknown = sorted(set(accept_shrink) - {d.name for d in devices})
    if unknown:
        raise ConfigError(f"--accept-shrink: {', '.join(unknown)} not among the selected devices")
    journal = StatusJournal(settings.data_dir)
    with open_database(settings, connect_delays=RUN_CONNECT_DELAYS_S) as database:
        _refuse_lost_archive(settings, database)
        repo = open_archive(settings)
        repo.require_writable()  # reads work on a read-only archive; a run cannot
        with RunLock(repo.git_dir):
            repo.prepare()
            archive = archive_id(repo.git_dir)
            store = database.store
            journal.replay(store, DB_BATCH)  # rows a lost database could not take last time
            store.mark_dead_runs(RunLiveness(archive))
            store.sync_devices(inventory.devices)
            by_path = {device.archive_path: device for device in inventory.devices}
            recover_committed_runs(store, repo, archive, by_path)
            run_id = store.start_run(
                settings.workers,
                selection.describe(),
                os.getpid(),
                socket.gethostname(),
                archive_id=archive,
                archive_path=str(repo.path),
            )
            started = datetime.now(UTC)
            if on_start is not None:
                on_start(len(devices))
            tick = time.perf_counter()
            run = BackupRun(database, repo, journal, run_id, started, devices, accept_shrink)
            interrupted = run.collect(settings, on_result)
            timings["collect_s"] = time.perf_counter() - tick
            with interrupts_held() as held:
                return run.archive_and_record(interrupted or held.received is not None, timings)


class BackupRun:
    """One run once its database row exists: collect, staging each configuration in Git as it
    arrives; then commit exactly what was staged and write the status rows.

    Results and archive outcomes meet on ``Device.archive_path``.
    """

    def __init__(
        self,
        database: Database,
        repo: ConfigRepo,
        journal: StatusJournal,
        run_id: int,
        started: datetime,
        devices: Sequence[Device],
        accept_shrink: Collection[str],
    ) -> None:
        self._database = database
        self._repo = repo
        self._journal = journal
        self.run_id = run_id
        self._started = started
        self._by_name = {d.name: d for d in devices}
        self._accept_shrink = accept_shrink
        self._results: dict[str, CollectResult] = {}
        self._stager = repo.stager()
        self._maintenance = repo.start_maintenance()  # git packs on the other core meanwhile

    def _keep(self, result: CollectResult) -> None:
        result = self._repo.hold_edited(result, self._by_name[result.device].archive_path)
        if result.ok and result.config is not None:
            # git stores each new configuration now, while other devices are collected
            self._stager.add(self._by_name[result.device].archive_path, result.config)
        self._results[result.device] = result

    def collect(self, settings: Settings, on_result: ProgressCallback | None) -> bool:
        """Collect every device, then give transient failures more rounds -> interrupted?"""
        options = RunnerOptions(
            workers=settings.workers,
            timeout=settings.timeout,
            mask_secrets=settings.mask_secrets,
            ramp_up=settings.ramp_up,
            session_log_dir=settings.session_log_dir,
            host_keys=HostKeyCheck(settings.host_keys, settings.known_hosts_file),
            ssh_config=settings.ssh_config,
        )
        pending = list(self._by_name.values())
        for attempt in range(1, settings.retries + 2):
            collection = DeviceCollection(pending, options, attempt=attempt)
            try:
                # A signal must not land inside _keep (the result would be taken from the pass
                # but never kept): the first one only ends the loop, between two results.
                with interrupts_held(on_first=collection.interrupt) as held:
                    for result in collection:
                        self._keep(result)
                        if on_result is not None:
                            on_result(result)  # a retried device reports again, keyed by name
                if held.received is not None:
                    raise KeyboardInterrupt
            except KeyboardInterrupt:
                collection.cancel()
                self._drain(collection)
                return True
            pending = [
                d
                for d in pending
                if (r := self._results.get(d.name)) is not None
                and r.error_class is not None
                and r.error_class.transient
            ]
            if not pending or attempt > settings.retries:
                break
            try:
                time.sleep(RETRY_BACKOFF_S[min(attempt - 1, len(RETRY_BACKOFF_S) - 1)])
            except KeyboardInterrupt:  # between rounds: keep what the earlier rounds read
                return True
        return False

    def _drain(self, collection: DeviceCollection) -> None:
        """After Ctrl-C/SIGTERM (sessions in progress already cut): a device that still finished
        whole is kept, one that failed (most likely by the cut) gets no row."""
        try:
            for result in collection.remaining():
                if result.ok:
                    self._keep(result)
        except KeyboardInterrupt:
            pass

    def archive_and_record(self, interrupted: bool, timings: dict[str, float]) -> RunReport:
        by_name = self._by_name
        ordered = [
            guard_shrink(self._results[name], by_name[name], self._repo.path, self._accept_shrink)
            for name in by_name
            if name in self._results
        ]
        kept = {by_name[r.device].archive_path for r in ordered if r.ok}
        # held back by the shrink guard, or staged just before a Ctrl-C kept its result out
        for path in [p for p in self._stager.files if p not in kept]:
            self._stager.discard(path)
        tick = time.perf_counter()
        commit = self._repo.commit_staged(self._stager, run_id=self.run_id)
        commit = self._repo.optimise(commit, self._maintenance)  # failures: commit.warnings
        timings["commit_s"] = time.perf_counter() - tick

        tick = time.perf_counter()
        archived = {change.path: change for change in commit.files}
        changes = [archived.get(by_name[r.device].archive_path) for r in ordered]
        records = [
            _backup_record(r, c, commit.commit_id) for r, c in zip(ordered, changes, strict=True)
        ]
        if interrupted:
            status = RunStatus.INTERRUPTED
        elif all(r.ok for r in ordered) and len(ordered) == len(by_name):
            status = RunStatus.COMPLETED
        else:
            status = RunStatus.PARTIAL
        pending_path = self._record(records, status, commit.commit_id)
        timings["db_s"] = time.perf_counter() - tick
        return RunReport(
            run_id=self.run_id,
            status=status,
            started_at=self._started,
            ended_at=datetime.now(UTC),
            results=tuple(ordered),
            commit=commit,
            timings=timings,
            status_pending=pending_path,
            changed_devices=tuple(
                r.device
                for r, c in zip(ordered, changes, strict=True)
                if c is not None and c.changed
            ),
        )

    def _record(
        self, records: Sequence[BackupRecord], status: RunStatus, commit_id: str | None
    ) -> Path | None:
        """Write the run's rows; if the database is gone, keep them in the local journal instead.

        The configurations are committed already: losing the database now must not lose the run.
        Each batch is its own transaction, so only the batches not yet written are journaled.
        """
        store = self._database.store
        written = 0
        try:
            while written < len(records):
                store.record_backups(self.run_id, records[written : written + DB_BATCH])
                written += DB_BATCH
                CRASH_HOOK.point("after-db-batch")  # die between status batches
            store.finish_run(self.run_id, status, commit_id)
        except DatabaseError as error:
            rest = tuple(records[written:])
            pending = PendingRun(self.run_id, status, commit_id, rest, error=str(error))
            return self._journal.save(pending)
        return None


def _backup_record(
    result: CollectResult, change: ArchivedChange | None, commit_id: str | None
) -> BackupRecord:
    return BackupRecord(
        device=result.device,
        status=BackupStatus.OK if result.ok else BackupStatus.FAILED,
        started_at=result.started_at,
        ended_at=result.ended_at,
        error_class=result.error_class,
        message=result.message,
        bytes=change.size if change else 0,
        blob_id=change.blob_id if change else None,
        changed=change.changed if change else False,
        commit_id=commit_id if change and change.changed else None,
        attempts=result.attempts,
    )
