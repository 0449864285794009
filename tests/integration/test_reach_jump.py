"""A jump host over real sockets: devices reached through the lab's forwarding SSH server, with the
deadline watchdog, the error classes and messages naming the jump host."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from confvault.models import CollectResult, ErrorClass
from confvault.service import Selection, run_backup
from confvault_lab import Lab, parse_spec
from confvault_lab.jump import JumpHost
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration

JUMP_PASSWORD = "bastion-pass"


@dataclass
class JumpLab:
    project: Project
    jump: JumpHost

    def use_jump(self, port: int | None = None, password: str = "${JUMP_PASSWORD}") -> None:  # noqa: S107 - a reference
        """Every lab device through the jump host (the lab group's extras)."""
        groups_file = self.project.root / "inventory" / "groups.yaml"
        groups = yaml.safe_load(groups_file.read_text())
        extras = groups["lab"]["connection_options"]["netmiko"]["extras"]
        extras["jump_host"] = {
            "hostname": "127.0.0.1",
            "port": port or self.jump.port,
            "username": "jump",
            "password": password,
        }
        groups_file.write_text(yaml.safe_dump(groups, sort_keys=False))

    def run(self, **settings: object) -> dict[str, CollectResult]:
        env = {**self.project.env, "JUMP_PASSWORD": JUMP_PASSWORD}
        report = run_backup(self.project.settings(**settings), Selection(), env=env)
        return {r.device: r for r in report.results}


@pytest.fixture
def jump_lab(tmp_path: Path) -> Iterator[JumpLab]:
    spec = {"groups": [{"platform": "cisco_ios", "count": 2, "size": 3000}]}
    root = tmp_path / "project"
    with (
        Lab(parse_spec(spec), tmp_path / "lab", inventory_dir=root / "inventory") as lab,
        JumpHost(tmp_path / "jump", password=JUMP_PASSWORD) as jump,
    ):
        yield JumpLab(write_project(root, lab), jump)


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_devices_are_backed_up_through_the_jump_host(jump_lab: JumpLab) -> None:
    jump_lab.use_jump()
    results = jump_lab.run()
    assert all(r.ok for r in results.values()), results
    assert jump_lab.jump.forwarded == 2  # both sessions went through the jump host


def test_a_dead_jump_host_is_unreachable_and_named(jump_lab: JumpLab) -> None:
    port = free_port()  # nothing listens there
    jump_lab.use_jump(port=port)
    for result in jump_lab.run().values():
        assert result.error_class is ErrorClass.UNREACHABLE
        assert result.message.startswith(f"jump host 127.0.0.1:{port} unreachable:"), result
    assert jump_lab.jump.forwarded == 0


def test_a_wrong_jump_password_is_an_authentication_failure_at_the_jump(jump_lab: JumpLab) -> None:
    jump_lab.use_jump(password="not-it")
    for result in jump_lab.run().values():
        assert result.error_class is ErrorClass.AUTH
        assert (
            result.message == f"authentication failed at jump host 127.0.0.1:{jump_lab.jump.port}"
        )


def test_a_device_the_jump_host_cannot_reach_is_unreachable(jump_lab: JumpLab) -> None:
    jump_lab.use_jump()
    hosts_file = jump_lab.project.root / "inventory" / "hosts.yaml"
    hosts: dict[str, Any] = yaml.safe_load(hosts_file.read_text())
    first = next(iter(hosts))
    hosts[first]["hostname"] = "192.0.2.1"  # TEST-NET: the lab jump host forwards to loopback only
    hosts_file.write_text(yaml.safe_dump(hosts, sort_keys=False))
    results = jump_lab.run()
    assert results[first].error_class is ErrorClass.UNREACHABLE
    assert results[first].message.startswith(
        f"jump host 127.0.0.1:{jump_lab.jump.port} could not reach 192.0.2.1:"
    ), results[first].message
    assert sum(r.ok for r in results.values()) == 1


def test_the_deadline_cuts_a_silent_device_behind_the_jump_host(jump_lab: JumpLab) -> None:
    jump_lab.use_jump()
    silent = jump_lab.project.lab.devices[0].name
    jump_lab.project.lab.set_fault(silent, "silent")
    results = jump_lab.run(timeout=2)
    assert results[silent].error_class is ErrorClass.TIMEOUT
    assert "deadline" in results[silent].message
    assert results[silent].duration_s < 15  # cut at the deadline, not after netmiko's own waits
    assert sum(r.ok for r in results.values()) == 1
