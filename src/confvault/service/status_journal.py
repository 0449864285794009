"""Status rows the database could not take, kept in a local file until the next run writes them.

The configurations of a run are already committed to Git when its rows go to the database; if
the database goes away at that moment, the rows (and how the run ended) are written here, in
``data_dir``, and replayed by the next run before it starts. One JSON file per run, written to a
temporary name and renamed, so a crash never leaves half a file.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from confvault.crash_hook import CRASH_HOOK
from confvault.db.records import BackupRecord
from confvault.db.store import Store
from confvault.errors import DatabaseError
from confvault.models import BackupStatus, ErrorClass, RunStatus

PREFIX = "pending-status-run-"


@dataclass(frozen=True, slots=True)
class PendingRun:
    run_id: int
    status: RunStatus
    commit_id: str | None
    records: tuple[BackupRecord, ...]
    error: str | None = None


def _record_to_json(record: BackupRecord) -> dict[str, Any]:
    return {
        "device": record.device,
        "status": record.status.value,
        "started_at": record.started_at.isoformat(),
        "ended_at": record.ended_at.isoformat(),
        "error_class": record.error_class.value if record.error_class else None,
        "message": record.message,
        "bytes": record.bytes,
        "blob_id": record.blob_id,
        "changed": record.changed,
        "commit_id": record.commit_id,
        "attempts": record.attempts,
    }


def _record_from_json(raw: dict[str, Any]) -> BackupRecord:
    error_class = raw.get("error_class")
    return BackupRecord(
        device=str(raw["device"]),
        status=BackupStatus(raw["status"]),
        started_at=datetime.fromisoformat(raw["started_at"]),
        ended_at=datetime.fromisoformat(raw["ended_at"]),
        error_class=ErrorClass(error_class) if error_class else None,
        message=str(raw.get("message", "")),
        bytes=int(raw.get("bytes", 0)),
        blob_id=raw.get("blob_id"),
        changed=bool(raw.get("changed", False)),
        commit_id=raw.get("commit_id"),
        attempts=int(raw.get("attempts", 1)),
    )


class StatusJournal:
    def __init__(self, data_dir: Path) -> None:
        self.directory = data_dir

    def path_for(self, run_id: int) -> Path:
        return self.directory / f"{PREFIX}{run_id}.json"

    def save(self, pending: PendingRun) -> Path:
        """Keep the rows; a disk that cannot take them either is a DatabaseError naming both."""
        target = self.path_for(pending.run_id)
        temporary = target.with_suffix(".tmp")
        try:
            self._write(target, temporary, pending)
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise DatabaseError(
                f"status of run {pending.run_id} could not be written to the database "
                f"({pending.error or 'unavailable'}) nor kept in {target}: {error.strerror}"
            ) from None
        return target

    def _write(self, target: Path, temporary: Path, pending: PendingRun) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        payload = {
            "run_id": pending.run_id,
            "status": pending.status.value,
            "commit_id": pending.commit_id,
            "error": pending.error,
            "records": [_record_to_json(r) for r in pending.records],
        }
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(payload, handle)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(target)

    def pending(self) -> list[PendingRun]:
        """Saved runs, oldest first. An unreadable file is a DatabaseError naming it (exit 3)."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in sorted(self.directory.glob(f"{PREFIX}*.json")):
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                found.append(
                    PendingRun(
                        run_id=int(raw["run_id"]),
                        status=RunStatus(raw["status"]),
                        commit_id=raw.get("commit_id"),
                        error=raw.get("error"),
                        records=tuple(_record_from_json(r) for r in raw["records"]),
                    )
                )
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise DatabaseError(
                    f"{path}: unreadable pending status file ({type(error).__name__}); "
                    "move it away to continue"
                ) from None
        return sorted(found, key=lambda p: p.run_id)

    def replay(self, store: Store, batch: int) -> list[int]:
        """Write every saved run to the database, deleting each file once it is in.

        Safe to repeat from any point: rows go in as insert-if-absent on (run, device), so a
        replay killed before deleting its file writes nothing twice when the next run replays.
        """
        written = []
        for pending in self.pending():
            for start in range(0, len(pending.records), batch):
                store.record_backups(pending.run_id, pending.records[start : start + batch])
            store.finish_run(pending.run_id, pending.status, pending.commit_id, pending.error)
            CRASH_HOOK.point("after-replay-rows")  # die with the rows in and the file still here
            path = self.path_for(pending.run_id)
            try:
                path.unlink()
            except OSError as error:
                raise DatabaseError(
                    f"run {pending.run_id}'s status is in the database, but {path} cannot be "
                    f"removed: {error.strerror}"
                ) from None
            written.append(pending.run_id)
        return written
