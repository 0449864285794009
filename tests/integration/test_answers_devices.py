"""Devices as they really answer, over SSH against the lab: command authorisation before enable,
a device without a host-name, the Junos chassis line before every prompt, a configuration line
that is exactly the prompt with the output pausing after it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from confvault.models import CollectResult
from confvault.service import RunReport
from confvault_lab import Lab, parse_spec
from confvault_lab.platforms import platform_named
from tests.integration.project import PLATFORMS, Project, write_project

pytestmark = pytest.mark.integration

# provider -> (fault, platforms): one device of each platform per fault
CASES = {
    "authz": ("command_authorisation", ("cisco_ios", "arista_eos")),
    "anonymous": ("no_hostname", tuple(PLATFORMS)),
    "chassis": ("chassis_state", ("juniper_junos",)),
    "banner": ("prompt_in_output", tuple(PLATFORMS)),
}


class AnsweredRun:
    def __init__(self, project: Project, report: RunReport) -> None:
        self.project = project
        self.report = report

    def result(self, provider: str, platform: str) -> CollectResult:
        return next(
            r for r in self.report.results if r.provider == provider and r.platform == platform
        )

    def archived(self, result: CollectResult) -> str:
        return (self.project.archive / result.provider / f"{result.device}.cfg").read_text()


@pytest.fixture(scope="module")
def answered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnsweredRun]:
    tmp: Path = tmp_path_factory.mktemp("answers")
    groups = [
        {"platform": platform, "provider": provider, "count": 1, "size": 4000, "faults": {1: fault}}
        for provider, (fault, platforms) in CASES.items()
        for platform in platforms
    ]
    root = tmp / "project"
    with Lab(parse_spec({"groups": groups}), tmp / "lab", inventory_dir=root / "inventory") as lab:
        project = write_project(root, lab, timeout=10)
        yield AnsweredRun(project, project.run())


def _case_ids() -> list[tuple[str, str]]:
    return [(provider, p) for provider, (_, platforms) in CASES.items() for p in platforms]


@pytest.mark.parametrize(("provider", "platform"), _case_ids())
def test_the_device_is_backed_up(answered: AnsweredRun, provider: str, platform: str) -> None:
    result = answered.result(provider, platform)
    assert result.ok, (result.error_class, result.message)
    assert len(answered.archived(result).splitlines()) > 20


def test_enable_comes_before_the_first_command_so_show_version_is_archived(
    answered: AnsweredRun,
) -> None:
    ios = answered.archived(answered.result("authz", "cisco_ios"))
    assert "Processor board ID" in ios
    assert "authorization failed" not in ios
    eos = answered.archived(answered.result("authz", "arista_eos"))
    assert "Serial number:" in eos
    assert "Authorization denied" not in eos


def test_a_junos_device_without_host_name_is_not_a_missing_prompt(answered: AnsweredRun) -> None:
    result = answered.result("anonymous", "juniper_junos")
    assert "no CLI prompt appeared" not in result.message
    assert answered.archived(result).rstrip().endswith("}")


def test_the_chassis_line_before_each_prompt_is_not_archived(answered: AnsweredRun) -> None:
    assert "{master:0}" not in answered.archived(answered.result("chassis", "juniper_junos"))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_prompt_shaped_config_line_before_a_pause_is_archived_as_a_line(
    answered: AnsweredRun, platform: str
) -> None:
    result = answered.result("banner", platform)
    assert result.ok, (result.error_class, result.message)
    prompt = platform_named(platform).cli.prompt(result.device, "admin", enabled=True).strip()
    assert prompt in answered.archived(result).splitlines()
