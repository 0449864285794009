"""Telnet as a per-host transport over real sockets: the lab's telnet listener, netmiko's telnet
class logs in, the same dialogue collects; bad credentials and the deadline as over SSH."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from confvault.models import CollectResult, ErrorClass
from confvault.service import Selection, run_backup
from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration
TELNET, SSH = "telnet-ios-001", "ssh-ios-001"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    tmp = tmp_path_factory.mktemp("telnet")
    spec = {
        "groups": [
            {"platform": "cisco_ios", "name": "telnet-ios", "transport": "telnet", "size": 3000},
            {"platform": "cisco_ios", "name": "ssh-ios", "size": 3000},
        ]
    }
    root = tmp / "project"
    with Lab(parse_spec(spec), tmp / "lab", inventory_dir=root / "inventory") as lab:
        yield write_project(root, lab)


def run(project: Project, **settings: object) -> dict[str, CollectResult]:
    report = run_backup(project.settings(**settings), Selection(), env=project.env)
    return {r.device: r for r in report.results}


def test_a_telnet_device_is_backed_up_through_the_same_dialogue(project: Project) -> None:
    results = run(project)
    assert results[TELNET].ok, results[TELNET].message
    assert results[SSH].ok
    telnet_config, ssh_config = results[TELNET].config, results[SSH].config
    assert telnet_config is not None
    assert ssh_config is not None
    assert "hostname telnet-ios-001" in telnet_config
    # the same platform rules clean both: the files differ only where the devices do
    assert telnet_config.splitlines()[-1] == ssh_config.splitlines()[-1]


def test_a_telnet_login_refused_is_an_authentication_failure(project: Project) -> None:
    project.lab.set_fault(TELNET, "auth_reject")
    try:
        result = run(project)[TELNET]
    finally:
        project.lab.set_fault(TELNET, None)
    assert result.error_class is ErrorClass.AUTH, result.message


def test_the_deadline_cuts_a_telnet_device_that_never_finishes(project: Project) -> None:
    project.lab.set_fault(TELNET, "endless_pager")
    try:
        result = run(project, timeout=3)[TELNET]
    finally:
        project.lab.set_fault(TELNET, None)
    assert not result.ok
    assert result.duration_s < 20  # bounded by the deadline, not by netmiko's own waits
