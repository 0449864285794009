"""Old devices over real sockets: a lab device offering only SHA-1 key exchanges, ssh-rsa and CBC
is refused by default and backed up once its inventory entry opts in (legacy_algorithms)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from confvault.models import CollectResult, ErrorClass
from confvault.service import Selection, run_backup
from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration
OLD, NEW = "old-ios-001", "new-ios-001"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    tmp = tmp_path_factory.mktemp("legacy")
    spec = {
        "groups": [
            {"platform": "cisco_ios", "name": "old-ios", "legacy": True, "size": 3000},
            {"platform": "cisco_ios", "name": "new-ios", "size": 3000},
        ]
    }
    root = tmp / "project"
    with Lab(parse_spec(spec), tmp / "lab", inventory_dir=root / "inventory") as lab:
        yield write_project(root, lab, host_keys="off")


def opt_in(project: Project, devices: tuple[str, ...]) -> None:
    hosts_file = project.root / "inventory" / "hosts.yaml"
    hosts: dict[str, Any] = yaml.safe_load(hosts_file.read_text())
    for name, host in hosts.items():
        host.pop("connection_options", None)
        if name in devices:
            extras = {"secret": "${CONFVAULT_LAB_ENABLE}", "legacy_algorithms": True}
            host["connection_options"] = {"netmiko": {"extras": extras}}
    hosts_file.write_text(yaml.safe_dump(hosts, sort_keys=False))


def run(project: Project, **settings: object) -> dict[str, CollectResult]:
    report = run_backup(project.settings(**settings), Selection(), env=project.env)
    return {r.device: r for r in report.results}


def test_legacy_algorithms_are_never_offered_by_default(project: Project) -> None:
    opt_in(project, ())
    results = run(project)
    assert results[OLD].error_class is ErrorClass.REJECTED, results[OLD]
    assert results[OLD].message.startswith("no SSH algorithm in common with the device (")
    assert results[OLD].message.endswith("for an old device set extras legacy_algorithms: true")
    assert results[NEW].ok


def test_a_device_that_opts_in_is_backed_up_with_sha1_kex_ssh_rsa_and_cbc(
    project: Project, tmp_path: Path
) -> None:
    opt_in(project, (OLD, NEW))  # opting in keeps the modern algorithms first for new devices
    results = run(project, host_keys="accept-new", data_dir=str(tmp_path / "data"))
    assert results[OLD].ok, results[OLD].message
    assert results[NEW].ok
    known = (tmp_path / "data" / "known_hosts").read_text().splitlines()
    old_port = project.lab.device(OLD).port
    assert any(line.startswith(f"[127.0.0.1]:{old_port} ssh-rsa ") for line in known)
