"""Host keys over real sockets: recorded at the first login (accept-new, the default), a changed
key refused as `host_key` and never retried, `confvault hostkey accept` for one device, strict
and off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from confvault.models import CollectResult, ErrorClass
from confvault.service import Selection, run_backup
from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration

FINGERPRINT = r"SHA256:[A-Za-z0-9+/]{43}"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    spec = {"groups": [{"platform": "cisco_ios", "count": 2, "size": 3000}]}
    root = tmp_path / "project"
    with Lab(parse_spec(spec), tmp_path / "lab", inventory_dir=root / "inventory") as lab:
        yield write_project(root, lab, retries=2)


def results(project: Project, **settings: object) -> dict[str, CollectResult]:
    report = run_backup(project.settings(**settings), Selection(), env=project.env)
    return {r.device: r for r in report.results}


def known_hosts(project: Project) -> str:
    return (project.root / "data" / "known_hosts").read_text()


def test_a_replaced_device_is_refused_until_its_new_key_is_accepted(project: Project) -> None:
    first, other = (d.name for d in project.lab.devices)
    assert all(r.ok for r in results(project).values())
    port = project.lab.device(first).port
    assert f"[127.0.0.1]:{port} ssh-ed25519 " in known_hosts(project)

    project.lab.set_fault(first, "new_host_key")
    after = results(project)
    refused = after[first]
    assert refused.error_class is ErrorClass.HOST_KEY
    assert refused.attempts == 1  # never retried, though the project allows 2 more rounds
    assert re.fullmatch(
        rf"host key changed for {first}: expected {FINGERPRINT}, got {FINGERPRINT}; "
        rf"if the device was replaced: confvault hostkey accept {first}",
        refused.message,
    ), refused.message
    assert after[other].ok

    accepted = project.cli("hostkey", "accept", first)
    assert accepted.returncode == 0, accepted.stderr
    new_key = re.search(r"got (SHA256:\S+);", refused.message)
    assert new_key is not None
    assert f"{first}: host key {new_key.group(1)} accepted" in accepted.stdout
    assert "it replaced SHA256:" in accepted.stdout
    assert results(project)[first].ok
    assert results(project)[other].ok  # the other device's key is untouched


def test_strict_logs_in_only_to_known_devices(project: Project) -> None:
    first, other = (d.name for d in project.lab.devices)
    refused = results(project, host_keys="strict")
    assert {r.error_class for r in refused.values()} == {ErrorClass.HOST_KEY}
    assert refused[first].message == (
        f"host key of {first} is not known; to trust it: confvault hostkey accept {first}"
    )
    assert project.cli("hostkey", "accept", first).returncode == 0
    after = results(project, host_keys="strict")
    assert after[first].ok
    assert after[other].error_class is ErrorClass.HOST_KEY


def test_off_checks_nothing_and_records_nothing(project: Project) -> None:
    first = project.lab.devices[0].name
    project.lab.set_fault(first, "new_host_key")
    assert all(r.ok for r in results(project, host_keys="off").values())
    assert not (project.root / "data" / "known_hosts").exists()


def test_accepting_a_device_that_does_not_answer_is_one_line(project: Project) -> None:
    first = project.lab.devices[0].name
    project.lab.set_fault(first, "refuse")
    refused = project.cli("hostkey", "accept", first)
    assert refused.returncode == 3
    assert refused.stderr.startswith("confvault: error: no host key read from 127.0.0.1:")
    assert len(refused.stderr.strip().splitlines()) == 1
    unknown = project.cli("hostkey", "accept", "nope")
    assert unknown.returncode == 2
    assert "no device 'nope' in the inventory" in unknown.stderr
