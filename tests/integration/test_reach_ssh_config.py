"""The user's ssh_config over real sockets (opt-in by the ssh_config setting): HostName and Port
aliases, ProxyJump to the lab's jump host with an IdentityFile, ProxyCommand, HostKeyAlias."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncssh
import pytest
import yaml

from confvault.models import CollectResult, ErrorClass
from confvault.service import Selection, run_backup
from confvault_lab import Lab, parse_spec
from confvault_lab.jump import JumpHost
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration


@dataclass
class ConfigLab:
    project: Project
    jump: JumpHost
    key: Path  # the jump host accepts this key
    aliases: dict[str, str]  # device name -> the alias its inventory hostname now is
    ssh_config: Path

    def run(self, **settings: object) -> dict[str, CollectResult]:
        overrides: dict[str, object] = {"ssh_config": self.ssh_config, **settings}
        report = run_backup(self.project.settings(**overrides), Selection(), env=self.project.env)
        return {r.device: r for r in report.results}

    def write_config(self, per_device: dict[str, str]) -> None:
        """One Host block per device alias (HostName and Port are the lab's), plus the jump."""
        blocks = [
            f"Host jumpbox\n  HostName 127.0.0.1\n  Port {self.jump.port}\n  User jump\n"
            f"  IdentityFile {self.key}\n"
        ]
        for device in self.project.lab.devices:
            alias = self.aliases[device.name]
            extra = per_device.get(device.name, "")
            blocks.append(f"Host {alias}\n  HostName 127.0.0.1\n  Port {device.port}\n{extra}")
        self.ssh_config.write_text("\n".join(blocks))


@pytest.fixture
def config_lab(tmp_path: Path) -> Iterator[ConfigLab]:
    key = asyncssh.generate_private_key("ssh-ed25519")
    key_file = tmp_path / "id_jump"
    key.write_private_key(str(key_file))
    key.write_public_key(f"{key_file}.pub")
    spec = {"groups": [{"platform": "cisco_ios", "count": 2, "size": 3000}]}
    root = tmp_path / "project"
    with (
        Lab(parse_spec(spec), tmp_path / "lab", inventory_dir=root / "inventory") as lab,
        JumpHost(tmp_path / "jump", authorized_keys=(Path(f"{key_file}.pub"),)) as jump,
    ):
        hosts_file = root / "inventory" / "hosts.yaml"
        hosts: dict[str, Any] = yaml.safe_load(hosts_file.read_text())
        aliases = {}
        for index, (name, host) in enumerate(hosts.items(), start=1):
            aliases[name] = f"router{index}.lab"
            host["hostname"] = aliases[name]  # only ssh_config knows where it is
            del host["port"]
        hosts_file.write_text(yaml.safe_dump(hosts, sort_keys=False))
        project = write_project(root, lab)
        yield ConfigLab(project, jump, key_file, aliases, tmp_path / "ssh_config")


def test_without_the_setting_ssh_config_is_not_read(config_lab: ConfigLab) -> None:
    config_lab.write_config({})
    results = config_lab.run(ssh_config=False)
    assert {r.error_class for r in results.values()} == {ErrorClass.UNREACHABLE}


def test_hostname_and_port_come_from_ssh_config(config_lab: ConfigLab) -> None:
    config_lab.write_config({})
    assert all(r.ok for r in config_lab.run().values())
    assert config_lab.jump.forwarded == 0


def test_proxyjump_goes_through_the_jump_host_with_its_identity_file(
    config_lab: ConfigLab,
) -> None:
    first, second = (d.name for d in config_lab.project.lab.devices)
    config_lab.write_config({first: "  ProxyJump jumpbox\n"})
    results = config_lab.run()
    assert results[first].ok, results[first].message
    assert results[second].ok
    assert config_lab.jump.forwarded == 1


@pytest.mark.skipif(shutil.which("socat") is None, reason="needs socat for the ProxyCommand")
def test_proxycommand_carries_the_session(config_lab: ConfigLab) -> None:
    first = config_lab.project.lab.devices[0].name
    config_lab.write_config({first: "  ProxyCommand socat - TCP:%h:%p\n"})
    results = config_lab.run()
    assert all(r.ok for r in results.values()), results


def test_hostkeyalias_names_the_device_in_known_hosts(config_lab: ConfigLab) -> None:
    first = config_lab.project.lab.devices[0].name
    config_lab.write_config({first: "  HostKeyAlias router-one\n"})
    assert all(r.ok for r in config_lab.run().values())
    known = (config_lab.project.root / "data" / "known_hosts").read_text().splitlines()
    assert any(line.startswith("router-one ssh-ed25519 ") for line in known)
