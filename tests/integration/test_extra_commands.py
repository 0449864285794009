"""The operator's extra commands over real sockets: the lab answers 'show inventory', refuses an
unknown command with the platform's error; both land as comment blocks in the one device file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from confvault.models import CollectResult
from confvault.service import Selection, run_backup
from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration
WITH_EXTRAS, WITHOUT = "inv-ios-001", "inv-ios-002"
EXTRA_COMMANDS = ["show inventory", "show vlan brieff"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    tmp = tmp_path_factory.mktemp("extra-commands")
    spec = {"groups": [{"platform": "cisco_ios", "name": "inv-ios", "count": 2, "size": 3000}]}
    root = tmp / "project"
    with Lab(parse_spec(spec), tmp / "lab", inventory_dir=root / "inventory") as lab:
        hosts_file = root / "inventory" / "hosts.yaml"
        hosts = yaml.safe_load(hosts_file.read_text(encoding="utf-8"))
        hosts[WITH_EXTRAS]["data"]["extra_commands"] = EXTRA_COMMANDS
        hosts_file.write_text(yaml.safe_dump(hosts, sort_keys=False), encoding="utf-8")
        yield write_project(root, lab)


def run(project: Project) -> dict[str, CollectResult]:
    report = run_backup(project.settings(), Selection(), env=project.env)
    return {r.device: r for r in report.results}


def test_extra_outputs_are_archived_between_version_and_configuration(project: Project) -> None:
    results = run(project)
    assert results[WITH_EXTRAS].ok, results[WITH_EXTRAS].message
    assert results[WITHOUT].ok, results[WITHOUT].message
    archived = project.git("show", f"HEAD:{results[WITH_EXTRAS].provider}/{WITH_EXTRAS}.cfg")
    lines = archived.splitlines()
    inventory = lines.index("! --- show inventory ---")
    assert lines[inventory + 1] == '! NAME: "1", DESCR: "WS-C3750X-48P"'
    assert "! PID: C3KX-PWR-715WAC   , VID: V02  , SN: LIT18270F2M" in lines
    refused = lines.index("! --- show vlan brieff ---")
    assert lines[refused + 1] == "! refused by the device: % Invalid input detected at '^' marker."
    assert lines.index("! Configuration register is 0xF") < inventory < refused
    assert lines.index(f"hostname {WITH_EXTRAS}") > refused
    assert lines[-1] == "end"
    other = results[WITHOUT].config
    assert other is not None
    assert "! --- " not in other


def test_a_second_run_with_nothing_changed_commits_nothing(project: Project) -> None:
    run(project)
    before = project.commits()
    results = run(project)
    assert results[WITH_EXTRAS].ok, results[WITH_EXTRAS].message
    assert project.commits() == before
