"""Two projects (two archives) writing status to one database never judge each other's runs."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from confvault.models import RunStatus
from confvault.service import runs
from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration

DEVICES = 3


@dataclass
class TwoProjects:
    a: Project
    b: Project


@pytest.fixture
def projects(tmp_path: Path) -> Iterator[TwoProjects]:
    spec = parse_spec({"groups": [{"platform": "cisco_ios", "count": DEVICES, "size": 3000}]})
    shared = f"sqlite:///{tmp_path / 'shared' / 'confvault.db'}"
    with Lab(spec, tmp_path / "lab", inventory_dir=tmp_path / "a" / "inventory") as lab:
        shutil.copytree(tmp_path / "a" / "inventory", tmp_path / "b" / "inventory")
        yield TwoProjects(
            a=write_project(tmp_path / "a", lab, database_url=shared, timeout=600),
            b=write_project(tmp_path / "b", lab, database_url=shared),
        )


def _status_of(project: Project, run_id: int) -> RunStatus:
    return {r.id: r.status for r in runs(project.settings())}[run_id]


def test_a_new_archive_is_not_refused_for_another_archive_s_runs(projects: TwoProjects) -> None:
    projects.a.run()
    assert not projects.b.archive.exists()

    report = projects.b.run()

    assert report.exit_code == 0
    assert projects.b.commits()


def test_a_run_of_one_archive_leaves_the_other_archive_s_live_run_running(
    projects: TwoProjects,
) -> None:
    a, b = projects.a, projects.b
    a.run()
    b.run()
    a.lab.set_fault(a.lab.devices[0].name, "silent")  # A's next run stays in progress
    connected_before = a.lab.stats().connections
    config = str(a.root / "confvault.yaml")
    live = subprocess.Popen(
        [sys.executable, "-m", "confvault", "--config", config, "run"],
        env=a.env,
        cwd=a.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not [r for r in runs(a.settings()) if r.status is RunStatus.RUNNING]:
            assert time.monotonic() < deadline, "project A's run never started"
            time.sleep(0.05)
        [a_run] = [r.id for r in runs(a.settings()) if r.status is RunStatus.RUNNING]
        # Clear the fault for B only once A's session to the silent device exists (a session keeps
        # the fault it started with); the run row appears before A's logins.
        while a.lab.stats().connections < connected_before + DEVICES:
            assert time.monotonic() < deadline, "project A's run never reached every device"
            time.sleep(0.05)
        a.lab.set_fault(a.lab.devices[0].name, None)

        b.run()  # holds B's lock, not A's

        assert _status_of(b, a_run) is RunStatus.RUNNING
    finally:
        live.send_signal(signal.SIGTERM)
        live.wait(timeout=60)
    assert _status_of(a, a_run) is RunStatus.INTERRUPTED  # A finished it itself
