"""End to end: lab devices over real SSH -> Nornir -> Git archive -> SQL status -> CLI."""

from __future__ import annotations

import json

import pytest

from confvault.models import ErrorClass, RunStatus
from confvault.platforms import get_platform
from confvault.service import Selection, history, status
from tests.integration.project import PLATFORMS, Project

pytestmark = pytest.mark.integration


def assert_complete(platform_name: str, text: str) -> None:
    """The archived file still passes the platform's own completeness rule: its end marker
    (Cisco 'end', VRP 'return', Junos '}') is the last line, its required lines are there."""
    platform = get_platform(platform_name)
    lines = text.rstrip().splitlines()
    if platform.end_regex is not None:
        assert platform.end_regex.search(lines[-1]), (platform_name, lines[-1])
    for pattern, regex in zip(platform.required, platform.required_regexes, strict=True):
        assert any(regex.search(line) for line in lines), (platform_name, pattern)


def archived(project: Project, provider: str, device: str) -> str:
    return (project.archive / provider / f"{device}.cfg").read_text()


def test_first_run_archives_every_platform_in_one_commit(project: Project) -> None:
    report = project.run()

    assert report.status is RunStatus.COMPLETED, [r.message for r in report.failed]
    assert report.exit_code == 0
    assert report.ok_count == len(project.lab.devices) == 10
    assert len(project.commits()) == 1
    files = sorted(project.git("ls-files").split())
    assert files == sorted(f"{d.provider}/{d.name}.cfg" for d in project.lab.devices)
    for device in project.lab.devices:
        text = archived(project, device.provider, device.name)
        # the body the device holds is archived whole (volatile header lines aside)
        body_lines = [line for line in project.lab.config_body(device.name).splitlines() if line]
        assert body_lines[len(body_lines) // 2] in text
        assert_complete(device.platform, text)
    assert {d.platform for d in project.lab.devices} == set(PLATFORMS)
    assert project.git("status", "--porcelain") == ""


def test_second_run_with_only_volatile_lines_moved_makes_no_commit(project: Project) -> None:
    first = project.run()
    before = {d.name: archived(project, d.provider, d.name) for d in project.lab.devices}

    second = project.run()

    assert first.commit.commit_id is not None
    assert second.commit.commit_id is None
    assert second.commit.changed == ()
    assert len(project.commits()) == 1
    after = {d.name: archived(project, d.provider, d.name) for d in project.lab.devices}
    assert after == before


def test_changed_devices_make_one_commit_touching_only_their_files(project: Project) -> None:
    project.run()
    changed = [project.lab.devices[i] for i in (0, 4, 9)]
    for device in changed:
        project.lab.mutate(device.name)

    report = project.run()

    assert report.commit.commit_id is not None
    assert sorted(report.changed_devices) == sorted(d.name for d in changed)
    assert len(report.commit.changed) == len(changed)
    touched = project.git("show", "--name-only", "--format=", "HEAD").split()
    assert sorted(touched) == sorted(f"{d.provider}/{d.name}.cfg" for d in changed)
    message = project.git("log", "-1", "--format=%B")
    assert "3 changed" in message
    assert f"Confvault-Run: {report.run_id}" in message
    path, commits = history(project.settings(), changed[0].name)
    assert path == f"{changed[0].provider}/{changed[0].name}.cfg"
    assert [c.run_id for c in commits] == [report.run_id, 1]


def test_failed_device_keeps_its_file_and_shows_failed_with_its_error_class(
    project: Project,
) -> None:
    project.run()
    victim = project.lab.devices[0]
    good_copy = archived(project, victim.provider, victim.name)
    project.lab.mutate(victim.name)  # the device changed, but we will not be able to read it
    project.lab.set_fault(victim.name, "auth_reject")

    report = project.run()

    assert report.status is RunStatus.PARTIAL
    assert report.exit_code == 1
    [failure] = report.failed
    assert failure.device == victim.name
    assert failure.error_class is ErrorClass.AUTH
    assert archived(project, victim.provider, victim.name) == good_copy
    assert report.ok_count == len(project.lab.devices) - 1
    dashboard = status(project.settings())
    assert dashboard.summary.failed == 1
    assert [(d.name, d.last_error_class) for d in dashboard.failed] == [
        (victim.name, ErrorClass.AUTH)
    ]


def test_selection_by_provider_backs_up_only_that_tenant(project: Project) -> None:
    report = project.run(Selection(provider="globex"))

    assert sorted(r.device for r in report.results) == ["globex-ios-001", "globex-ios-002"]
    assert project.git("ls-files").split() == [
        "globex/globex-ios-001.cfg",
        "globex/globex-ios-002.cfg",
    ]


def test_cli_run_json_and_exit_codes(project: Project) -> None:
    ok = project.cli("run", "--json")
    assert ok.returncode == 0, ok.stderr
    payload = json.loads(ok.stdout)
    assert payload["status"] == "completed"
    assert payload["devices"] == payload["ok"] == 10
    assert payload["failed"] == 0
    assert payload["exit_code"] == 0

    victim = project.lab.devices[1]
    project.lab.set_fault(victim.name, "refuse")
    partial = project.cli("run", "--json")
    assert partial.returncode == 1
    failures = json.loads(partial.stdout)["failures"]
    assert [(f["device"], f["error_class"]) for f in failures] == [(victim.name, "unreachable")]

    state = project.cli("status", "--json")
    assert state.returncode == 1  # a failing device makes the monitoring check fail
    assert json.loads(state.stdout)["summary"]["failed"] == 1

    listing = project.cli(
        "devices", "--provider", "acme", "--per-page", "3", "--page", "2", "--json"
    )
    assert listing.returncode == 0, listing.stderr
    page = json.loads(listing.stdout)
    assert page["total"] == 8
    assert page["pages"] == 3
    assert len(page["devices"]) == 3


def test_cli_unreachable_database_exits_3_before_any_device(project: Project) -> None:
    result = project.cli(
        "--database-url", "postgresql://backup:hunter2@127.0.0.1:9/confvault", "run"
    )
    assert result.returncode == 3
    assert "hunter2" not in result.stderr
    assert "Traceback" not in result.stderr
    assert "127.0.0.1:9" in result.stderr
    assert project.lab.stats().connections == 0
