"""Every lab fault through the whole product: right error class, a readable message, the archived
copy untouched, the other devices archived, the dashboard showing it, exit code 1."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from confvault.models import ErrorClass, RunStatus
from confvault.service import Selection, run_backup
from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration

# fault -> (error class, words a person reading the message needs to see)
EXPECTED: dict[str, tuple[ErrorClass, str]] = {
    "auth_reject": (ErrorClass.AUTH, "authentication failed"),
    "refuse": (ErrorClass.UNREACHABLE, "Connection refused"),
    "disconnect": (ErrorClass.DISCONNECTED, "closed the session"),
    "no_end_marker": (ErrorClass.INCOMPLETE, "no final 'end' line"),
    "garbage": (ErrorClass.INCOMPLETE, "non-printable"),
    "shrink": (ErrorClass.SUSPECT, "shrank"),
    "silent": (ErrorClass.TIMEOUT, "deadline"),  # the timeout case kept in the default suite
    # paging never turns off: seen at the first pager prompt, not waited out until the deadline
    "endless_pager": (ErrorClass.REJECTED, "pager prompt"),
}
SLOW_EXPECTED: dict[str, tuple[ErrorClass, str]] = {
    "slow": (ErrorClass.TIMEOUT, "deadline"),
    "unexpected_prompt": (ErrorClass.REJECTED, "no CLI prompt"),
}
SHORT_TIMEOUT_S = 2
SLOW_TIMEOUT_S = 5
HEALTHY = 2


@dataclass
class FaultRun:
    """A healthy baseline run, then every device edited and one run with faults."""

    project: Project
    victims: dict[str, str]  # fault -> device name
    baseline: dict[str, str]  # device -> archived text after the healthy run
    run: subprocess.CompletedProcess[str]
    payload: dict[str, Any]
    status: dict[str, Any]

    def archived(self, device: str) -> str:
        return (self.project.archive / "acme" / f"{device}.cfg").read_text()


def fault_run(tmp: Path, faults: list[str], timeout: float) -> Iterator[FaultRun]:
    root = tmp / "project"
    root.mkdir()
    spec = parse_spec(
        {
            "groups": [
                {
                    "platform": "cisco_ios",
                    "provider": "acme",
                    "count": len(faults) + HEALTHY,
                    "size": 6000,
                }
            ]
        }
    )
    with Lab(spec, tmp / "lab", inventory_dir=root / "inventory") as lab:
        project = write_project(root, lab, workers=20, timeout=timeout)
        first = project.run()
        assert first.status is RunStatus.COMPLETED, [r.message for r in first.failed]
        baseline = {
            d.name: (project.archive / "acme" / f"{d.name}.cfg").read_text() for d in lab.devices
        }
        victims = {fault: lab.devices[i].name for i, fault in enumerate(faults)}
        for device in lab.devices:
            lab.mutate(device.name)  # a healthy read would now change every file
        for fault, name in victims.items():
            lab.set_fault(name, fault)
        run = project.cli("run", "--json")
        state = project.cli("status", "--json")
        yield FaultRun(
            project, victims, baseline, run, json.loads(run.stdout), json.loads(state.stdout)
        )


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultRun]:
    yield from fault_run(tmp_path_factory.mktemp("faults"), list(EXPECTED), SHORT_TIMEOUT_S)


@pytest.fixture(scope="module")
def slow_faults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultRun]:
    yield from fault_run(
        tmp_path_factory.mktemp("slow-faults"), [*SLOW_EXPECTED, "huge"], SLOW_TIMEOUT_S
    )


def check_fault(run: FaultRun, fault: str, expected: tuple[ErrorClass, str]) -> None:
    error_class, words = expected
    device = run.victims[fault]
    [failure] = [f for f in run.payload["failures"] if f["device"] == device]
    assert failure["error_class"] == error_class.value, failure
    message = failure["message"]
    assert words in message, message
    assert "\n" not in message
    assert "Traceback" not in message
    assert len(message) < 300
    assert run.archived(device) == run.baseline[device]  # the good copy is kept
    shown = {d["name"]: d for d in run.status["failed"]}
    assert shown[device]["last_error_class"] == error_class.value


def check_run(run: FaultRun, failing: int) -> None:
    assert run.run.returncode == 1, run.run.stderr
    assert "Traceback" not in run.run.stderr
    assert run.payload["status"] == "partial"
    assert run.payload["failed"] == failing
    failed = set(run.victims.values())
    for device in run.project.lab.devices:
        if device.name not in failed or device.name == run.victims.get("huge"):
            # healthy devices were edited: their new text is committed
            assert run.archived(device.name) != run.baseline[device.name], device.name
    assert run.project.git("status", "--porcelain") == ""
    assert run.status["summary"]["failed"] == failing


@pytest.mark.parametrize("fault", list(EXPECTED))
def test_fault_is_reported_and_keeps_the_archived_copy(faults: FaultRun, fault: str) -> None:
    check_fault(faults, fault, EXPECTED[fault])


def test_faulty_run_archives_the_others_and_exits_1(faults: FaultRun) -> None:
    check_run(faults, failing=len(EXPECTED))
    # the deadline bounds the whole run: one stuck device does not stall it
    assert faults.payload["timings"]["collect_s"] < SHORT_TIMEOUT_S + 3


@pytest.mark.slow
@pytest.mark.parametrize("fault", list(SLOW_EXPECTED))
def test_slow_fault_is_cut_at_the_deadline(slow_faults: FaultRun, fault: str) -> None:
    check_fault(slow_faults, fault, SLOW_EXPECTED[fault])


@pytest.mark.slow
def test_slow_faults_do_not_hold_the_run_and_huge_is_archived(slow_faults: FaultRun) -> None:
    check_run(slow_faults, failing=len(SLOW_EXPECTED))
    # trickling output or an endless pager is cut at the deadline, not at netmiko's read timeouts
    assert slow_faults.payload["timings"]["collect_s"] < SLOW_TIMEOUT_S + 3
    huge = slow_faults.archived(slow_faults.victims["huge"])
    assert len(huge) > 15_000_000
    assert huge.rstrip().endswith("end")


def test_shrink_accepted_by_flag_or_inventory_setting(tmp_path: Path) -> None:
    spec = parse_spec({"groups": [{"platform": "cisco_ios", "count": 3, "size": 6000}]})
    with Lab(spec, tmp_path / "lab", inventory_dir=tmp_path / "project" / "inventory") as lab:
        project = write_project(tmp_path / "project", lab, workers=20, timeout=10)
        project.run()
        flagged, by_setting, guarded = (d.name for d in lab.devices)
        for name in (flagged, by_setting, guarded):
            lab.set_fault(name, "shrink")
        hosts_file = project.root / "inventory" / "hosts.yaml"
        hosts = yaml.safe_load(hosts_file.read_text())
        hosts[by_setting].setdefault("data", {})["accept_shrink"] = True
        hosts_file.write_text(yaml.safe_dump(hosts))

        result = project.cli("run", "--json", "--accept-shrink", flagged)

        assert result.returncode == 1, result.stderr
        payload = json.loads(result.stdout)
        assert [(f["device"], f["error_class"]) for f in payload["failures"]] == [
            (guarded, "suspect")
        ]
        assert sorted(payload["changed_devices"]) == sorted([flagged, by_setting])
        unknown = project.cli("run", "--accept-shrink", "no-such-device")
        assert unknown.returncode == 2
        assert "no-such-device" in unknown.stderr


def test_transient_failure_retried_to_ok_and_auth_not_retried(tmp_path: Path) -> None:
    spec = parse_spec({"groups": [{"platform": "cisco_ios", "count": 2, "size": 3000}]})
    with Lab(spec, tmp_path / "lab", inventory_dir=tmp_path / "project" / "inventory") as lab:
        project = write_project(tmp_path / "project", lab, workers=20, timeout=10)
        flaky, locked_out = (d.name for d in lab.devices)
        lab.set_fault(flaky, "refuse")
        lab.set_fault(locked_out, "auth_reject")
        healed: list[str] = []

        def heal(result: Any) -> None:  # the device comes back before the retry round
            if result.device == flaky and not healed:
                healed.append(flaky)
                lab.set_fault(flaky, None)

        report = run_backup(
            project.settings(retries=2), Selection(), env=project.env, on_result=heal
        )

        by_name = {r.device: r for r in report.results}
        assert by_name[flaky].ok
        assert by_name[flaky].attempts == 2
        assert by_name[locked_out].error_class is ErrorClass.AUTH
        assert by_name[locked_out].attempts == 1
        assert (project.archive / "lab" / f"{flaky}.cfg").exists()


def _not_a_repo(archive: Path) -> None:
    shutil.rmtree(archive / ".git")


def _missing(archive: Path) -> None:
    shutil.rmtree(archive)


# A person's edit of a device file holds back that device only, and files that are not
# confvault's never stop a run (issue 11): tests/integration/test_archive_recovery.py.
ARCHIVE_PROBLEMS = {
    "not_a_repo": (_not_a_repo, "is not a git repository"),
    "missing": (_missing, "is missing, but the database has runs"),
}


@pytest.mark.parametrize("problem", list(ARCHIVE_PROBLEMS))
def test_unusable_archive_exits_3_before_any_device(tmp_path: Path, problem: str) -> None:
    break_archive, words = ARCHIVE_PROBLEMS[problem]
    spec = parse_spec({"groups": [{"platform": "cisco_ios", "count": 2, "size": 3000}]})
    with Lab(spec, tmp_path / "lab", inventory_dir=tmp_path / "project" / "inventory") as lab:
        project = write_project(tmp_path / "project", lab, workers=20, timeout=10)
        project.run()
        break_archive(project.archive)
        contacted = lab.stats().connections

        result = project.cli("run")

        assert result.returncode == 3
        assert words in result.stderr
        assert str(project.archive) in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert lab.stats().connections == contacted  # refused before any device


def test_read_only_archive_exits_3(tmp_path: Path) -> None:
    spec = parse_spec({"groups": [{"platform": "cisco_ios", "count": 2, "size": 3000}]})
    with Lab(spec, tmp_path / "lab", inventory_dir=tmp_path / "project" / "inventory") as lab:
        project = write_project(tmp_path / "project", lab, workers=20, timeout=10)
        project.run()
        objects = project.archive / ".git" / "objects"
        # root ignores permission bits: make the folder immutable instead, where supported
        if subprocess.run(["chattr", "+i", str(objects)], capture_output=True).returncode:
            pytest.skip("chattr +i is not supported on this file system")
        try:
            result = project.cli("run")
        finally:
            subprocess.run(["chattr", "-i", str(objects)], check=True)

        assert result.returncode == 3
        assert "not writable" in result.stderr
        assert "Traceback" not in result.stderr


def test_missing_archive_restarted_on_purpose_with_git_init(tmp_path: Path) -> None:
    spec = parse_spec({"groups": [{"platform": "cisco_ios", "count": 2, "size": 3000}]})
    with Lab(spec, tmp_path / "lab", inventory_dir=tmp_path / "project" / "inventory") as lab:
        project = write_project(tmp_path / "project", lab, workers=20, timeout=10)
        project.run()
        shutil.rmtree(project.archive)
        subprocess.run(["git", "init", "-q", "-b", "main", str(project.archive)], check=True)

        result = project.cli("run")

        assert result.returncode == 0, result.stderr
        assert len(project.commits()) == 1
