"""A completely full disk ends a run with one line and exit 3; freed, the next run is sound.

The project (archive and data folder) lives on a small tmpfs filled to the last byte. Needs root
to mount; skips otherwise.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from confvault.db.records import BackupRecord
from confvault.errors import ConfvaultError, DatabaseError, LockError
from confvault.models import BackupStatus, CollectResult, RunStatus
from confvault.service import Selection, run_backup
from confvault.service.lock import LOCK_NAME, RunLock
from confvault.service.status_journal import PendingRun, StatusJournal
from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration

DEVICES = 3


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> Path:
    """Write until the file system refuses a single byte more."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as handle:
        for chunk in (1 << 20, 1 << 16, 1 << 12, 1 << 8, 1):
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * chunk)
    assert os.statvfs(disk).f_bavail == 0
    return filler


@pytest.fixture(params=["database elsewhere", "database on the full disk"])
def project(request: pytest.FixtureRequest, tmp_path: Path, small_disk: Path) -> Iterator[Project]:
    spec = parse_spec({"groups": [{"platform": "cisco_ios", "count": DEVICES, "size": 3000}]})
    root = small_disk / "project"
    elsewhere = request.param == "database elsewhere"
    url = f"sqlite:///{tmp_path / 'db' / 'confvault.db'}" if elsewhere else None
    with Lab(spec, tmp_path / "lab", inventory_dir=root / "inventory") as lab:
        yield write_project(root, lab, database_url=url)


@pytest.mark.parametrize("lock_file", ["left by the last run", "not created yet"])
def test_a_full_disk_ends_the_run_in_one_line_with_exit_3(
    project: Project, small_disk: Path, lock_file: str
) -> None:
    project.run()
    for device in project.lab.devices:
        project.lab.mutate(device.name)
    if lock_file == "not created yet":
        (project.archive / ".git" / LOCK_NAME).unlink()
    filler = fill(small_disk)

    full = project.cli("run")

    assert full.returncode == 3, full.stderr
    assert "Traceback" not in full.stderr
    assert len(full.stderr.strip().splitlines()) == 1
    if small_disk not in Path(project.database_url.removeprefix("sqlite:///")).parents:
        assert "No space left on device" in full.stderr  # SQLite says "disk I/O error"

    filler.unlink()
    after = project.cli("run")
    assert after.returncode == 0, after.stderr
    assert project.git("status", "--porcelain") == ""
    project.git("fsck", "--no-dangling")


def test_the_run_lock_on_a_full_disk_is_a_one_line_lock_error(small_disk: Path) -> None:
    fill(small_disk)
    with pytest.raises(LockError, match=r"cannot take the run lock .*No space left") as raised:
        RunLock(small_disk).acquire()
    assert raised.value.exit_code == 3


def test_status_rows_that_fit_nowhere_are_a_one_line_database_error(small_disk: Path) -> None:
    fill(small_disk)
    now = datetime.now(UTC)
    record = BackupRecord("r1", BackupStatus.OK, now, now)
    pending = PendingRun(7, RunStatus.COMPLETED, None, (record,) * 200, error="db gone")
    with pytest.raises(DatabaseError, match=r"run 7 .*db gone.*No space left"):
        StatusJournal(small_disk / "data").save(pending)
    assert not list((small_disk / "data").glob("*.tmp"))


def test_a_disk_that_fills_during_the_run_ends_it_in_one_line(
    project: Project, small_disk: Path
) -> None:
    project.run()
    for device in project.lab.devices:
        project.lab.mutate(device.name)
    filled: list[Path] = []

    def fill_once(result: CollectResult) -> None:
        if not filled:
            filled.append(fill(small_disk))

    with pytest.raises(ConfvaultError) as raised:
        run_backup(project.settings(), Selection(), env=project.env, on_result=fill_once)

    assert raised.value.exit_code == 3
    assert "\n" not in str(raised.value)
    filled[0].unlink()
    assert project.cli("run").returncode == 0
    assert project.git("status", "--porcelain") == ""
