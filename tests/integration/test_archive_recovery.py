"""The archive never needs a person after a crash: stale git locks, a failing optimisation step,
a lost index, stray files and a person's edit of one device file; git children get no secrets."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from confvault.models import CollectResult, ErrorClass, RunStatus
from confvault.service import Selection, run_backup, runs
from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration

DEVICES = 3
GRAPH_LOCK = ".git/objects/info/commit-graphs/commit-graph-chain.lock"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    spec = parse_spec({"groups": [{"platform": "cisco_ios", "count": DEVICES, "size": 3000}]})
    root = tmp_path / "project"
    with Lab(spec, tmp_path / "lab", inventory_dir=root / "inventory") as lab:
        yield write_project(root, lab, workers=20, timeout=20)


def device_paths(project: Project) -> list[str]:
    return sorted(f"{d.provider}/{d.name}.cfg" for d in project.lab.devices)


def run_json(project: Project) -> tuple[int, dict[str, object]]:
    done = project.cli("run", "--json")
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else {}


def last_run(project: Project) -> tuple[RunStatus, str | None]:
    record = max(runs(project.settings()), key=lambda r: r.id)
    return record.status, record.commit_id


def test_a_killed_commit_graph_write_does_not_stop_later_runs(project: Project) -> None:
    project.run()
    (project.archive / GRAPH_LOCK).write_text("")  # what `git commit-graph write` leaves at kill
    project.lab.mutate(project.lab.devices[0].name)

    code, report = run_json(project)

    assert code == 0, report
    assert report["status"] == "completed"
    assert report["changed"] == 1
    assert report["warnings"] == []
    assert not (project.archive / GRAPH_LOCK).exists()
    assert last_run(project) == (RunStatus.COMPLETED, project.commits()[0])
    project.git("commit-graph", "verify")


def test_a_commit_graph_failing_during_the_run_is_a_warning_and_retried(
    project: Project,
) -> None:
    project.run()
    project.lab.mutate(project.lab.devices[1].name)

    def lock_after_prepare(_devices: int) -> None:  # a git killed while this run collects
        (project.archive / GRAPH_LOCK).write_text("")

    report = run_backup(
        project.settings(), Selection(), env=project.env, on_start=lock_after_prepare
    )

    assert report.exit_code == 0
    assert report.commit.commit_id == project.commits()[0]
    assert len(report.commit.warnings) == 1
    assert "commit-graph not written" in report.commit.warnings[0]
    assert last_run(project) == (RunStatus.COMPLETED, report.commit.commit_id)

    code, again = run_json(project)  # nothing changed; the graph is written this time

    assert code == 0, again
    assert again["warnings"] == []
    assert again["commit"] is None
    assert not (project.archive / GRAPH_LOCK).exists()
    assert project.git("commit-graph", "verify") == ""


def test_the_run_command_prints_an_optimisation_warning_and_exits_0(project: Project) -> None:
    project.run()
    graphs = project.archive / ".git/objects/info/commit-graphs"
    shutil.rmtree(graphs)
    graphs.write_text("")  # no commit-graph can be written until a person looks
    project.lab.mutate(project.lab.devices[0].name)

    done = project.cli("run")

    assert done.returncode == 0, done.stderr
    assert "warning: commit-graph not written (git commit-graph failed" in done.stdout
    assert last_run(project) == (RunStatus.COMPLETED, project.commits()[0])


def test_a_deleted_index_is_rebuilt_and_nothing_is_deleted(project: Project) -> None:
    project.run()
    (project.archive / ".git" / "index").unlink()
    project.lab.mutate(project.lab.devices[2].name)

    code, report = run_json(project)

    assert code == 0, report
    assert report["changed"] == 1
    assert sorted(project.git("ls-tree", "-r", "--name-only", "HEAD").split()) == device_paths(
        project
    )
    assert project.git("status", "--porcelain", "--untracked-files=all") == ""
    assert len(project.commits()) == 2


def test_files_that_are_not_confvaults_never_block_a_run(project: Project) -> None:
    project.run()
    provider = project.lab.devices[0].provider
    strays = {
        "README.md": "# our configurations\n",
        ".gitlab-ci.yml": "lint:\n  script: true\n",
        f"{provider}/.{project.lab.devices[0].name}.cfg.swp": "vim swap\n",
    }
    for name, text in strays.items():
        (project.archive / name).write_text(text)
    project.lab.mutate(project.lab.devices[0].name)

    code, report = run_json(project)

    assert code == 0, report
    assert report["ok"] == DEVICES
    assert report["changed"] == 1
    for name, text in strays.items():
        assert (project.archive / name).read_text() == text
    assert sorted(project.git("ls-tree", "-r", "--name-only", "HEAD").split()) == device_paths(
        project
    )


def test_a_person_edit_holds_back_only_that_device(project: Project) -> None:
    project.run()
    edited, changed = project.lab.devices[0], project.lab.devices[1]
    edited_path = project.archive / edited.provider / f"{edited.name}.cfg"
    hand_text = edited_path.read_text() + "! a note by hand\n"
    edited_path.write_text(hand_text)
    project.lab.mutate(edited.name)
    project.lab.mutate(changed.name)

    code, report = run_json(project)

    assert code == 1, report
    assert report["ok"] == DEVICES - 1
    assert report["changed_devices"] == [changed.name]
    failures = report["failures"]
    assert isinstance(failures, list)
    assert [f["device"] for f in failures] == [edited.name]
    assert failures[0]["error_class"] == ErrorClass.SUSPECT
    assert failures[0]["message"].startswith(f"archive file {edited.provider}/{edited.name}.cfg")
    assert "held back, not overwritten" in failures[0]["message"]
    assert edited_path.read_text() == hand_text
    assert project.git("status", "--porcelain") == f" M {edited.provider}/{edited.name}.cfg\n"


def git_children() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and (entry / "comm").read_text().strip() == "git"
                and int((entry / "stat").read_text().split()[3]) == os.getpid()
            ):
                pids.append(int(entry.name))
        except OSError:
            continue  # ended meanwhile
    return pids


def test_git_children_of_a_run_never_see_the_device_credentials(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = project.lab.credentials_env()
    for name, value in credentials.items():
        monkeypatch.setenv(name, value)  # as cron starts `confvault run`
    environments: list[str] = []

    def read_git_children(_result: CollectResult) -> None:
        for pid in git_children():  # the hash-object stager, live while devices answer
            try:
                environments.append(Path(f"/proc/{pid}/environ").read_text())
            except OSError:
                continue

    report = run_backup(project.settings(), Selection(), on_result=read_git_children)

    assert report.exit_code == 0
    assert environments
    for environment in environments:
        assert "PATH=" in environment
        for name, value in credentials.items():
            assert f"{name}=" not in environment
            assert value not in environment
