"""Real processes killed, signalled, racing, or losing their database: nothing archived is lost.

Each run here is the real ``confvault`` command in a child process, against an in-process lab.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from confvault.crash_hook import CRASH_HOOK_ENV
from confvault.db.records import BackupRecord
from confvault.models import BackupStatus, CollectResult, RunStatus
from confvault.service import Selection, open_database, run_backup, runs
from confvault.service.status_journal import PendingRun, StatusJournal
from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration

DEVICES = 4  # the first one is made to hang where a test needs a run in progress
HANG_TIMEOUT_S = 8
STUCK_DEADLINE_S = 600  # a deadline no wait in these tests comes near


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    spec = parse_spec({"groups": [{"platform": "cisco_ios", "count": DEVICES, "size": 3000}]})
    root = tmp_path / "project"
    with Lab(spec, tmp_path / "lab", inventory_dir=root / "inventory") as lab:
        yield write_project(root, lab, workers=20, timeout=HANG_TIMEOUT_S)


def start_run(project: Project, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "confvault",
            "--config",
            str(project.root / "confvault.yaml"),
            "run",
            "--json",
            *args,
        ],
        env={**project.env, **env},
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: object, what: str, limit_s: float = 20.0) -> None:
    assert callable(condition)
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def lock_holder(project: Project) -> str:
    lock = project.archive / ".git" / "confvault-run.lock"
    return lock.read_text() if lock.exists() else ""


def collecting(project: Project, process: subprocess.Popen[str], served_before: int) -> None:
    """Wait until the run holds the lock and has read every device but the hung first one.

    A session counts as served when the client closes it, after its output was read and cleaned:
    by then the worker has released its deadline, so an interrupt no longer cuts it.
    """
    wait_for(lambda: f"pid {process.pid}" in lock_holder(project), "the run lock")
    wait_for(
        lambda: project.lab.stats().sessions_served >= served_before + DEVICES - 1,
        "the healthy devices read",
    )
    assert process.poll() is None, "the run ended although one device hangs"


def archive_is_sound(project: Project) -> None:
    project.git("fsck", "--no-dangling")
    assert project.git("status", "--porcelain") == ""


def run_statuses(project: Project) -> list[RunStatus]:
    return [r.status for r in sorted(runs(project.settings()), key=lambda r: r.id)]


def test_second_run_exits_3_naming_the_holder(project: Project) -> None:
    project.run()
    project.lab.set_fault(project.lab.devices[0].name, "silent")
    first = start_run(project)
    try:
        wait_for(lambda: f"pid {first.pid}" in lock_holder(project), "the run lock")
        second = project.cli("run")
        assert second.returncode == 3
        assert f"pid {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)  # no need to wait for the silent device's deadline
        first.communicate(timeout=60)
    assert first.returncode == 1


def test_kill_9_during_collection_marks_the_run_aborted(project: Project) -> None:
    project.run()
    project.lab.set_fault(project.lab.devices[0].name, "silent")
    served = project.lab.stats().sessions_served
    victim = start_run(project)
    collecting(project, victim, served)
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=10)
    project.lab.set_fault(project.lab.devices[0].name, None)

    after = project.cli("run", "--json")

    assert after.returncode == 0, after.stderr
    assert run_statuses(project) == [RunStatus.COMPLETED, RunStatus.ABORTED, RunStatus.COMPLETED]
    archive_is_sound(project)


def test_status_reports_a_killed_run_as_aborted_before_the_next_run(project: Project) -> None:
    project.run()
    project.lab.set_fault(project.lab.devices[0].name, "silent")
    served = project.lab.stats().sessions_served
    victim = start_run(project)
    collecting(project, victim, served)
    live = project.cli("status", "--json")
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=10)

    dead = project.cli("status", "--json")
    text = project.cli("status")

    assert live.returncode == 0, live.stderr  # its holder is alive: still running
    assert json.loads(live.stdout)["summary"]["last_run"]["status"] == "running"
    assert dead.returncode == 1, dead.stderr
    assert json.loads(dead.stdout)["summary"]["last_run"]["status"] == "aborted"
    assert text.returncode == 1
    assert "aborted" in text.stdout.splitlines()[0]
    assert run_statuses(project)[-1] is RunStatus.RUNNING  # status itself writes nothing


@pytest.mark.parametrize(
    "point",
    [
        pytest.param("after-blobs", marks=pytest.mark.slow),  # config_repo tests every point;
        "after-update-ref",  # here one in the default suite covers the whole product
        pytest.param("mid-work-tree", marks=pytest.mark.slow),
    ],
)
def test_kill_9_during_the_commit_is_finished_by_the_next_run(project: Project, point: str) -> None:
    project.run()
    for device in project.lab.devices:
        project.lab.mutate(device.name)
    crashed = start_run(project, CONFVAULT_TEST_CRASH_AT=point)
    crashed.communicate(timeout=60)
    assert crashed.returncode == -signal.SIGKILL

    after = project.cli("run", "--json")

    assert after.returncode == 0, after.stderr
    assert run_statuses(project)[1] is RunStatus.ABORTED
    archive_is_sound(project)
    for device in project.lab.devices:  # every edit is archived, by the crashed or the next run
        text = (project.archive / "lab" / f"{device.name}.cfg").read_text()
        body = project.lab.config_body(device.name).splitlines()
        assert body[-1] in text


def test_kill_9_between_status_batches_is_marked_aborted(project: Project) -> None:
    project.run()
    project.lab.mutate(project.lab.devices[1].name)
    crashed = start_run(project, CONFVAULT_TEST_CRASH_AT="after-db-batch")
    crashed.communicate(timeout=60)
    assert crashed.returncode == -signal.SIGKILL
    assert len(project.commits()) == 2  # the configs were committed before the rows

    after = project.cli("run", "--json")

    assert after.returncode == 0, after.stderr
    assert run_statuses(project) == [RunStatus.COMPLETED, RunStatus.ABORTED, RunStatus.COMPLETED]
    archive_is_sound(project)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_sigterm_or_ctrl_c_archives_what_was_collected(project: Project, signum: int) -> None:
    project.run()
    stuck = project.lab.devices[0].name
    for device in project.lab.devices:
        project.lab.mutate(device.name)
    project.lab.set_fault(stuck, "silent")
    before = project.lab.stats()
    # The hung device's deadline is far beyond any wait below, so a run that ends at all was cut
    # by the signal; retries would start the cut device again if the run did not stop.
    run = start_run(project, "--timeout", str(STUCK_DEADLINE_S), "--retries", "2")
    collecting(project, run, before.sessions_served)
    run.send_signal(signum)
    try:
        out, err = run.communicate(timeout=STUCK_DEADLINE_S / 4)
    except subprocess.TimeoutExpired:
        run.kill()
        run.communicate()
        pytest.fail("the run waited for the hung device instead of cutting it")

    assert run.returncode == 1, err
    assert "Traceback" not in err
    report = json.loads(out)
    assert report["status"] == "interrupted"
    assert sorted(report["changed_devices"]) == sorted(
        d.name for d in project.lab.devices if d.name != stuck
    )
    assert project.lab.stats().connections == before.connections + DEVICES  # none started after
    assert run_statuses(project)[-1] is RunStatus.INTERRUPTED
    archive_is_sound(project)


def test_sigterm_while_waiting_to_retry_keeps_the_first_round(project: Project) -> None:
    project.run()
    refused = project.lab.devices[0].name
    for device in project.lab.devices:
        project.lab.mutate(device.name)
    project.lab.set_fault(refused, "refuse")
    served = project.lab.stats().sessions_served
    run = start_run(project, "--retries", "1")
    wait_for(lambda: f"pid {run.pid}" in lock_holder(project), "the run lock")
    # The refused device fails at once, so with the healthy ones read the first round is over
    # and the run waits 2 s before retrying.
    wait_for(
        lambda: project.lab.stats().sessions_served >= served + DEVICES - 1,
        "the healthy devices read",
    )
    run.send_signal(signal.SIGTERM)
    out, err = run.communicate(timeout=30)

    assert run.returncode == 1, err
    report = json.loads(out)
    assert report["status"] == "interrupted"
    assert len(report["changed_devices"]) == DEVICES - 1
    assert [f["device"] for f in report["failures"]] == [refused]
    assert run_statuses(project)[-1] is RunStatus.INTERRUPTED


def test_pid_of_a_dead_run_is_not_trusted(project: Project) -> None:
    """A killed run's PID may be reused by anything: the lock, not the PID, decides."""
    project.run()
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        settings = project.settings()
        with open_database(settings) as database:
            database.store.start_run(1, "all", sleeper.pid, os.uname().nodename)
        assert project.cli("run").returncode == 0
        assert run_statuses(project)[1] is RunStatus.ABORTED
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_replay_killed_before_removing_its_file_is_repeated_without_duplicates(
    project: Project,
) -> None:
    first = project.run()
    settings = project.settings()
    with open_database(settings) as database:
        waiting = database.store.start_run(1, "all", 1, "elsewhere")  # its rows never went in
    rows = tuple(
        BackupRecord(r.device, BackupStatus.OK, r.started_at, r.ended_at) for r in first.results
    )
    StatusJournal(settings.data_dir).save(PendingRun(waiting, RunStatus.COMPLETED, None, rows))
    crashed = project.cli("run", env={**project.env, CRASH_HOOK_ENV: "after-replay-rows"})
    assert crashed.returncode == -signal.SIGKILL
    assert StatusJournal(settings.data_dir).pending()  # the rows are in, the file still here

    assert project.cli("run").returncode == 0

    assert not StatusJournal(settings.data_dir).pending()
    replayed = {r.id: r for r in runs(settings)}[waiting]
    assert replayed.status is RunStatus.COMPLETED
    assert replayed.devices_total == DEVICES
    with open_database(settings) as database:
        history = database.queries.device_history(project.lab.devices[1].name).items
    assert [e.run_id for e in history].count(waiting) == 1


def _admin(admin_url: str, statement: str, **params: str) -> None:
    url = make_url(admin_url).set(drivername="postgresql+psycopg2")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")  # ALTER DATABASE needs it
    try:
        with engine.connect() as conn:
            conn.execute(text(statement), params)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_database_lost_mid_run_keeps_rows_in_a_local_journal(
    tmp_path: Path, pg_admin_url: str, new_pg_database: Callable[[], str]
) -> None:
    url = new_pg_database()
    name = make_url(url).database
    assert name is not None
    spec = parse_spec({"groups": [{"platform": "cisco_ios", "count": DEVICES, "size": 3000}]})
    root = tmp_path / "project"
    with Lab(spec, tmp_path / "lab", inventory_dir=root / "inventory") as lab:
        project = write_project(root, lab, workers=20, timeout=HANG_TIMEOUT_S, database_url=url)
        project.run()
        for device in lab.devices:
            lab.mutate(device.name)
        lost: list[str] = []

        def lose_database(result: CollectResult) -> None:
            if not lost:  # the database goes away while devices are being read
                lost.append(result.device)
                _admin(pg_admin_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
                _admin(
                    pg_admin_url,
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()",
                    name=name,
                )

        try:
            report = run_backup(
                project.settings(), Selection(), env=project.env, on_result=lose_database
            )
        finally:
            _admin(pg_admin_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

        assert report.status is RunStatus.COMPLETED
        assert report.exit_code == 1  # monitoring must notice the status is not in the database
        assert len(report.commit.changed) == DEVICES  # the configs are archived regardless
        assert report.status_pending is not None
        assert report.status_pending.exists()
        assert report.status_pending.parent == project.settings().data_dir
        assert run_statuses(project)[-1] is RunStatus.RUNNING  # not written yet

        project.run()  # the next run writes the kept rows first

        assert not report.status_pending.exists()
        recorded = {r.id: r for r in runs(project.settings())}[report.run_id]
        assert recorded.status is RunStatus.COMPLETED
        assert recorded.ok == DEVICES
        assert recorded.changed == DEVICES
        assert recorded.commit_id == report.commit.commit_id
