"""``confvault prune`` as cron runs it: a child process, exit codes, one-line errors, JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from confvault.db import BackupRecord, Database
from confvault.models import BackupStatus, Device, ErrorClass, RunStatus

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
DAY = timedelta(days=1)


def _record(name: str, at: datetime, ok: bool = True) -> BackupRecord:
    return BackupRecord(
        device=name,
        status=BackupStatus.OK if ok else BackupStatus.FAILED,
        started_at=at,
        ended_at=at + timedelta(seconds=2),
        error_class=None if ok else ErrorClass.TIMEOUT,
        message="" if ok else "timed out",
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """acme-1 backed up daily 120..1 days ago, ok with a failure 100 days ago; globex-1 ok on
    days 120 and 110 only (so its day-110 row is its latest success and must stay)."""
    url = f"sqlite:///{tmp_path / 'data' / 'confvault.db'}"
    (tmp_path / "confvault.yaml").write_text(
        yaml.safe_dump({"archive_path": "archive", "data_dir": "data", "database_url": url})
    )
    with Database(url) as db:
        db.upgrade()
        devices = [
            Device(name=n, hostname=f"{n}.example.net", platform="cisco_ios", provider=p)
            for n, p in (("acme-1", "acme"), ("globex-1", "globex"))
        ]
        db.store.sync_devices(devices)
        for days_ago in range(120, 0, -1):
            at = NOW - days_ago * DAY
            results = [_record("acme-1", at, ok=days_ago != 100)]
            if days_ago in (120, 110):
                results.append(_record("globex-1", at))
            run_id = db.store.start_run(workers=1, selection="all", pid=1, hostname="h")
            db.store.record_backups(run_id, results)
            db.store.finish_run(run_id, RunStatus.PARTIAL, None)
    return tmp_path


def confvault(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "confvault", "--config", str(root / "confvault.yaml"), *args],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=60,
    )


def history_days(root: Path, name: str) -> list[int]:
    with Database(f"sqlite:///{root / 'data' / 'confvault.db'}") as db:
        page = db.queries.device_history(name, per_page=500)
    return sorted(round((NOW - e.backup_date) / DAY) for e in page.items)


def test_dry_run_reports_per_provider_and_deletes_nothing(project: Path) -> None:
    done = confvault(project, "prune", "--older-than", "90d", "--dry-run", "--json")

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    # acme-1: ok rows of days 120..90 except 100 (30) go (day 90 was written a moment before
    # the command's cutoff); its only failure (day 100) stays.
    # globex-1: day 120 goes, day 110 (latest success) stays.
    assert report["dry_run"] is True
    assert report["by_provider"] == {"acme": 30, "globex": 1}
    assert report["deleted"] == 31
    assert report["kept_latest"] == 2
    assert len(history_days(project, "acme-1")) == 120


def test_prune_deletes_what_the_dry_run_announced_and_keeps_the_latest(project: Path) -> None:
    human = confvault(project, "prune", "--older-than", "90d", "--dry-run")
    assert human.returncode == 0, human.stderr
    assert "would delete 31 backup rows" in human.stdout
    assert "acme" in human.stdout
    assert "globex" in human.stdout

    done = confvault(project, "prune", "--older-than", "90d", "--json", "--batch-size", "10")

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["deleted"] == 31
    assert report["batches"] >= 3  # 31 rows over ~120 ids in slices of 10 ids
    assert history_days(project, "acme-1") == [*range(1, 90), 100]
    assert history_days(project, "globex-1") == [110]
    weeks = confvault(project, "prune", "--older-than", "2w", "--dry-run", "--json")
    assert json.loads(weeks.stdout)["deleted"] == 89 - 14 + 1  # ok rows of days 89..14


@pytest.mark.parametrize("value", ["90", "0d"])  # the full list: tests/unit/db
def test_a_bad_duration_is_one_line_and_exit_2(project: Path, value: str) -> None:
    done = confvault(project, "prune", "--older-than", value)

    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "--older-than" in lines[0]
    assert "Traceback" not in done.stderr
    assert len(history_days(project, "acme-1")) == 120
