"""Say why a device failed, over SSH against the lab: --session-log keeps each device's raw
session (secrets masked, credentials never), --verbose shows each step on stderr, and messages
reach --json and the database whole."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from confvault_lab import Lab, parse_spec
from confvault_lab.configgen import planted_secrets
from tests.integration.project import PLATFORMS, Project, write_project

pytestmark = pytest.mark.integration

LAB_CREDENTIALS = ("lab-password", "lab-enable")
MENU = "Press any key to continue"  # what the lab's unexpected_prompt fault shows


@dataclass
class LoggedRun:
    project: Project
    logs: Path
    run: subprocess.CompletedProcess[str]
    payload: dict[str, Any]
    status: dict[str, Any]
    menu_device: str
    shrunk_device: str

    def log(self, device: str) -> str:
        return (self.logs / f"{device}.log").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoggedRun]:
    tmp = tmp_path_factory.mktemp("failures")
    groups: list[dict[str, object]] = [
        {"platform": p, "provider": "acme", "count": 1, "size": 6000} for p in PLATFORMS
    ]
    groups.append({"platform": "cisco_ios", "provider": "odd", "count": 2, "size": 6000})
    root = tmp / "project"
    with Lab(parse_spec({"groups": groups}), tmp / "lab", inventory_dir=root / "inventory") as lab:
        project = write_project(root, lab, timeout=5)
        first = project.run()
        assert not first.failed, [r.message for r in first.failed]
        menu, shrunk = (d.name for d in lab.devices if d.provider == "odd")
        lab.set_fault(menu, "unexpected_prompt")
        lab.set_fault(shrunk, "shrink")
        logs = tmp / "session-logs"
        run = project.cli("run", "--session-log", str(logs), "--verbose", "--json")
        state = project.cli("status", "--json")
        yield LoggedRun(
            project,
            logs,
            run,
            json.loads(run.stdout),
            json.loads(state.stdout),
            menu,
            shrunk,
        )


def test_one_log_file_per_device(logged: LoggedRun) -> None:
    devices = {d.name for d in logged.project.lab.devices}
    assert {p.stem for p in logged.logs.glob("*.log")} == devices


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_log_is_the_session_with_secrets_masked(logged: LoggedRun, platform: str) -> None:
    device = next(d for d in logged.project.lab.devices if d.platform == platform)
    text = logged.log(device.name)
    assert device.name in text  # the prompts and the configuration are there
    assert "<removed>" in text
    for secret in (*LAB_CREDENTIALS, *planted_secrets(platform, device.name)):
        assert secret not in text, (device.name, secret)
    assert text.rstrip().endswith("# confvault: ok")


def test_the_log_of_a_failed_device_shows_what_it_showed(logged: LoggedRun) -> None:
    text = logged.log(logged.menu_device)
    assert MENU in text
    assert "# confvault: rejected: logged in, but no CLI prompt appeared" in text


def test_verbose_shows_each_step_on_stderr(logged: LoggedRun) -> None:
    ios = next(
        d.name
        for d in logged.project.lab.devices
        if (d.provider, d.platform) == ("acme", "cisco_ios")
    )
    lines = [line for line in logged.run.stderr.splitlines() if line.startswith(f"{ios}: ")]
    text = "\n".join(lines)
    for step in ("connect ", "TCP connected", "SSH login done", "prompt ", "enable: ", " ok "):
        assert step in text, (step, text)
    assert " bytes in " in text
    assert "lab-password" not in logged.run.stderr


def test_the_accept_shrink_hint_is_whole_in_json_and_the_database(logged: LoggedRun) -> None:
    hint = f"run with --accept-shrink {logged.shrunk_device} if the change is real"
    [failure] = [f for f in logged.payload["failures"] if f["device"] == logged.shrunk_device]
    assert failure["message"].endswith(hint)
    [shown] = [d for d in logged.status["failed"] if d["name"] == logged.shrunk_device]
    assert shown["last_error_message"].endswith(hint)
