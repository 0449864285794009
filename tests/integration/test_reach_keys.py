"""SSH keys over real sockets: lab devices that accept only given public keys, an encrypted key
opened with a passphrase reference, harmless netmiko options passed through."""

from __future__ import annotations

import copy
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncssh
import pytest
import yaml

from confvault.models import ErrorClass
from confvault.service import Selection, run_backup
from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration

PASSPHRASE = "tulip meadow 42"
PLAIN, LOCKED = "plain-key-001", "locked-key-001"


@dataclass
class KeyLab:
    project: Project
    keys: Path  # folder with id_plain, id_locked (encrypted) and their .pub files

    lab_hosts: dict[str, Any]  # hosts.yaml as the lab wrote it

    def connect_with(self, device: str, extras: dict[str, Any]) -> None:
        """Give one host its own netmiko extras (nornir takes extras whole from one level); the
        other hosts are as the lab wrote them."""
        hosts_file = self.project.root / "inventory" / "hosts.yaml"
        hosts = copy.deepcopy(self.lab_hosts)
        secret = {"secret": "${CONFVAULT_LAB_ENABLE}"}
        hosts[device]["connection_options"] = {"netmiko": {"extras": {**secret, **extras}}}
        hosts_file.write_text(yaml.safe_dump(hosts, sort_keys=False))


def make_key(folder: Path, name: str, passphrase: str | None = None) -> Path:
    key = asyncssh.generate_private_key("ssh-ed25519")
    private = folder / name
    # few KDF rounds: the test is about the passphrase reaching paramiko, not key strength
    key.write_private_key(str(private), passphrase=passphrase, rounds=4, ignore_few_rounds=True)
    key.write_public_key(str(private) + ".pub")
    return private


@pytest.fixture(scope="module")
def key_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KeyLab]:
    tmp = tmp_path_factory.mktemp("keys")
    keys = tmp / "keys"
    keys.mkdir()
    plain = make_key(keys, "id_plain")
    locked = make_key(keys, "id_locked", PASSPHRASE)
    spec = {
        "groups": [
            {"platform": "cisco_ios", "name": "plain-key", "auth": {"keys": [f"{plain}.pub"]}},
            {"platform": "cisco_ios", "name": "locked-key", "auth": {"keys": [f"{locked}.pub"]}},
        ]
    }
    root = tmp / "project"
    with Lab(parse_spec(spec), tmp / "lab", inventory_dir=root / "inventory") as lab:
        hosts = yaml.safe_load((root / "inventory" / "hosts.yaml").read_text())
        yield KeyLab(write_project(root, lab, timeout=10), keys, hosts)


def run_one(lab: KeyLab, device: str, **env: str) -> tuple[ErrorClass | None, str, str | None]:
    project = lab.project
    settings = project.settings()
    report = run_backup(settings, Selection(names=(device,)), env={**project.env, **env})
    (result,) = report.results
    return result.error_class, result.message, result.config


def test_a_key_only_device_refuses_the_password(key_lab: KeyLab) -> None:
    key_lab.connect_with(PLAIN, {})
    error_class, message, _ = run_one(key_lab, PLAIN)
    assert error_class is ErrorClass.AUTH, message


def test_a_key_only_device_is_backed_up_with_its_key_file(key_lab: KeyLab) -> None:
    key_lab.connect_with(PLAIN, {"use_keys": True, "key_file": str(key_lab.keys / "id_plain")})
    error_class, message, config = run_one(key_lab, PLAIN)
    assert error_class is None, message
    assert config is not None
    assert "hostname" in config


def test_another_key_is_refused(key_lab: KeyLab) -> None:
    wrong = str(key_lab.keys / "id_plain")
    key_lab.connect_with(LOCKED, {"use_keys": True, "key_file": wrong})
    error_class, message, _ = run_one(key_lab, LOCKED)
    assert error_class is ErrorClass.AUTH, message


def test_an_encrypted_key_opens_with_its_passphrase_by_reference(key_lab: KeyLab) -> None:
    key_lab.connect_with(
        LOCKED,
        {
            "use_keys": True,
            "key_file": "../../keys/id_locked",  # relative to the inventory file's folder
            "passphrase": "${KEY_PASSPHRASE}",
            # harmless netmiko options pass through on the same real session
            "global_delay_factor": 1,
            "keepalive": 30,
            "banner_timeout": 5,
        },
    )
    error_class, message, config = run_one(key_lab, LOCKED, KEY_PASSPHRASE=PASSPHRASE)
    assert error_class is None, message
    assert config is not None
    assert PASSPHRASE not in config


def test_a_wrong_passphrase_fails_without_showing_it(key_lab: KeyLab) -> None:
    key_lab.connect_with(
        LOCKED,
        {"use_keys": True, "key_file": str(key_lab.keys / "id_locked"), "passphrase": "${KP}"},
    )
    error_class, message, _ = run_one(key_lab, LOCKED, KP="not the passphrase")
    assert error_class is ErrorClass.AUTH, message
    assert "not the passphrase" not in message
    status = key_lab.project.cli("status", "--json")
    assert "not the passphrase" not in status.stdout + status.stderr


@pytest.mark.skipif(shutil.which("ssh-agent") is None, reason="needs OpenSSH's ssh-agent")
def test_a_key_held_by_the_users_agent_logs_in_with_allow_agent(
    key_lab: KeyLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent_socket = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(agent_socket)])
    try:
        for _ in range(100):  # the agent creates its socket after it starts
            if agent_socket.exists():
                break
            time.sleep(0.05)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(agent_socket))
        private = key_lab.keys / "id_plain"
        private.chmod(0o600)
        subprocess.run(["ssh-add", "-q", str(private)], check=True, capture_output=True)
        key_lab.connect_with(PLAIN, {"allow_agent": True})
        error_class, message, config = run_one(key_lab, PLAIN)
    finally:
        agent.terminate()
        agent.wait(timeout=10)
    assert error_class is None, message
    assert config is not None
