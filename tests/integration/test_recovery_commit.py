"""A run killed after its commit landed: the next run gives the database that commit.

The commit carries ``Confvault-Run: N``; the run row is aborted. The next run must record the
commit id and one changed row per device the commit archived, so the devices' histories and
``last_change_at`` say when they changed, even though the killed run wrote no row.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from confvault.crash_hook import CRASH_HOOK_ENV
from confvault.models import RunStatus
from confvault.service import open_database, runs
from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration

DEVICES = 4


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    spec = parse_spec({"groups": [{"platform": "cisco_ios", "count": DEVICES, "size": 3000}]})
    root = tmp_path / "project"
    with Lab(spec, tmp_path / "lab", inventory_dir=root / "inventory") as lab:
        yield write_project(root, lab)


def _crash_at(project: Project, point: str) -> None:
    crashed = project.cli("run", env={**project.env, CRASH_HOOK_ENV: point})
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr


@pytest.mark.parametrize("point", ["after-update-ref", "after-db-batch"])
def test_the_next_run_records_the_commit_a_killed_run_landed(project: Project, point: str) -> None:
    project.run()
    for device in project.lab.devices:
        project.lab.mutate(device.name)
    _crash_at(project, point)
    landed = project.commits()[0]
    assert (
        project.git("log", "-1", "--format=%(trailers:key=Confvault-Run,valueonly)").strip() == "2"
    )
    committed_at = datetime.fromisoformat(project.git("log", "-1", "--format=%cI").strip())

    after = project.cli("run", "--json")

    assert after.returncode == 0, after.stderr
    recorded = {r.id: r for r in runs(project.settings())}
    assert recorded[2].status is RunStatus.ABORTED  # it did die
    assert recorded[2].commit_id == landed
    assert recorded[2].changed == DEVICES
    assert recorded[3].changed == 0  # the next run found the archived files current
    assert len(project.commits()) == 2
    with open_database(project.settings()) as database:
        for device in project.lab.devices:
            path = f"lab/{device.name}.cfg"
            blob = project.git("rev-parse", f"{landed}:{path}").strip()
            rows = [e for e in database.queries.device_history(device.name).items if e.run_id == 2]
            assert [(r.commit_id, r.changed, r.blob_id) for r in rows] == [(landed, True, blob)]
            state = database.queries.device(device.name).state
            assert state.last_change_at == rows[0].started_at  # moved by run 2
            if point == "after-update-ref":  # it wrote no row of its own: dated by the commit
                assert state.last_change_at == committed_at


def test_a_killed_run_that_committed_nothing_is_left_as_it_is(project: Project) -> None:
    project.run()
    _crash_at(project, "after-db-batch")  # nothing changed: no commit

    assert project.cli("run").returncode == 0

    recorded = {r.id: r for r in runs(project.settings())}
    assert recorded[2].status is RunStatus.ABORTED
    assert recorded[2].commit_id is None
    assert len(project.commits()) == 1
