"""A project's own platform, a data file in platforms/: a lab IOS device backed up end to end as
'acme_ios' (netmiko cisco_ios), with the file's own volatile rule and without the built-in's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from confvault.errors import ConfigError
from confvault.models import RunStatus
from confvault.platforms import get_platform
from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration
DEVICE = "ios-001"

ACME_IOS = r"""
name: acme_ios
netmiko: cisco_ios
aliases: [acme]
comment_prefix: "! "
dialogue:
  prompt: '[\w.\-:/()@]{1,100}[>#]'
  privileged_prompt: '[\w.\-:/()@]{1,100}#'
  setup: [terminal width 511, terminal length 0]
  pager: '--More--'
commands:
  - command: show version
    as_comment: true
    keep: ['^Cisco IOS']
  - command: show running-config
    is_config: true
    enable: true
    read_timeout: 60
error_patterns: ['^% Invalid input detected']
volatile:
  - drop: '^Building configuration\.\.\.$'
  - drop: '^Current configuration : \d+ bytes$'
  - drop: '^! (?:Last configuration change at|NVRAM config last updated at) '
  - drop: '^! No configuration change since last restart$'
  - drop: '^ntp clock-period \d+$'
  - mask: '^(hostname) \S+$'
    replacement: '\1 <acme>'
end_marker: '^end$'
min_config_lines: 3
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    tmp = tmp_path_factory.mktemp("user-platform")
    spec = {"groups": [{"platform": "cisco_ios", "name": "ios", "size": 3000}]}
    root = tmp / "project"
    with Lab(parse_spec(spec), tmp / "lab", inventory_dir=root / "inventory") as lab:
        (root / "platforms").mkdir(parents=True)
        (root / "platforms" / "acme_ios.yaml").write_text(ACME_IOS)
        hosts_file = root / "inventory" / "hosts.yaml"
        hosts: dict[str, Any] = yaml.safe_load(hosts_file.read_text())
        for host in hosts.values():
            host["platform"] = "acme"  # the file's alias
        hosts_file.write_text(yaml.safe_dump(hosts, sort_keys=False))
        yield write_project(root, lab, host_keys="off")


def test_a_yaml_platform_backs_up_a_lab_device_with_its_own_rules(project: Project) -> None:
    report = project.run()

    assert report.status is RunStatus.COMPLETED, [r.message for r in report.failed]
    assert [r.platform for r in report.results] == ["acme_ios"]
    text = next(project.archive.rglob(f"{DEVICE}.cfg")).read_text()
    assert "hostname <acme>" in text.splitlines()  # the file's own mask rule
    assert "! Cisco IOS" in text  # show version, kept as a comment by the file's keep rule
    assert text.rstrip().endswith("end")
    assert "Building configuration" not in text
    body = [line for line in project.lab.config_body(DEVICE).splitlines() if line]
    assert body[len(body) // 2] in text


def test_the_project_platform_is_gone_after_the_run(project: Project) -> None:
    project.run()
    with pytest.raises(ConfigError, match="unknown platform 'acme_ios'"):
        get_platform("acme_ios")


def test_a_broken_platform_file_stops_the_run_with_one_line_naming_file_and_key(
    project: Project, tmp_path: Path
) -> None:
    broken = project.root / "platforms" / "broken.yaml"
    broken.write_text(
        ACME_IOS.replace("name: acme_ios", "name: broken")
        .replace("[acme]", "[]")
        .replace("end_marker: '^end$'", "end_marker: '^(end$'")
    )
    try:
        result = project.cli("run")
    finally:
        broken.unlink()
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "platforms/broken.yaml:" in line
    assert ": end_marker: bad regex '^(end$'" in line


def test_a_netmiko_class_netmiko_does_not_know_stops_the_run(project: Project) -> None:
    unknown = project.root / "platforms" / "unknown.yaml"
    unknown.write_text(
        ACME_IOS.replace("name: acme_ios", "name: unknown")
        .replace("[acme]", "[]")
        .replace("netmiko: cisco_ios", "netmiko: acme_os")
    )
    try:
        result = project.cli("run")
    finally:
        unknown.unlink()
    assert result.returncode == 2, result.stderr
    assert "platforms/unknown.yaml:3: netmiko: 'acme_os' is not a netmiko device_type" in (
        result.stderr
    )
