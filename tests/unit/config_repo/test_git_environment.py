"""git children get PATH, HOME, locale, TZ, the ssh agent and confvault's identity; nothing else."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from confvault.config_repo import ConfigRepo
from confvault.config_repo.gitcmd import GitRunner

FilesFn = Callable[..., dict[str, str]]

CREDENTIAL = "s3cret-Lab-Passw0rd"


@pytest.fixture(autouse=True)
def credential_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAB_PASSWORD", CREDENTIAL)
    monkeypatch.setenv("BACKUP_ENABLE_SECRET", CREDENTIAL)
    monkeypatch.setenv("SSH_AUTH_SOCK", "/run/agent.sock")
    monkeypatch.setenv("TZ", "Europe/Vienna")


def git_children() -> list[int]:
    """Live git processes this process started."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and (entry / "comm").read_text().strip() == "git"
                and int((entry / "stat").read_text().split()[3]) == os.getpid()
            ):
                pids.append(int(entry.name))
        except OSError:
            continue  # ended meanwhile
    return pids


def environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(entry.split("=", 1) for entry in raw.decode().split("\0") if "=" in entry)


def test_the_long_lived_stager_child_has_no_credential(
    archive: ConfigRepo, device_files: FilesFn
) -> None:
    stager = archive.stager()
    stager.add("acme/r000.cfg", "hostname r000\nend\n")  # starts git hash-object, kept open
    try:
        (stager_pid,) = git_children()
        env = environment_of(stager_pid)
    finally:
        stager.finish()

    assert CREDENTIAL not in "\0".join(env.values())
    assert "LAB_PASSWORD" not in env
    assert "BACKUP_ENABLE_SECRET" not in env
    assert env["SSH_AUTH_SOCK"] == "/run/agent.sock"
    assert env["TZ"] == "Europe/Vienna"
    assert "PATH" in env


def test_a_short_git_child_sees_only_what_it_needs(tmp_path: Path) -> None:
    runner = GitRunner(tmp_path)
    # a git alias starting with '!' runs a shell with git's own environment
    shown = runner.text(
        "-c", "alias.environment=!env", "environment", env={"GIT_AUTHOR_NAME": "confvault"}
    )
    env = dict(line.split("=", 1) for line in shown.splitlines() if "=" in line)

    assert CREDENTIAL not in shown
    assert "LAB_PASSWORD" not in env
    assert env["GIT_AUTHOR_NAME"] == "confvault"
    assert env["LC_ALL"] == "C"
    assert env["SSH_AUTH_SOCK"] == "/run/agent.sock"
