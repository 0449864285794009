"""Credentials and planted device secrets never leak: not to the archive, the database, logs,
error messages or ``--json`` output, under faults as well as on a clean run."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from confvault.service import Selection, run_backup
from confvault_lab import Lab, parse_spec
from confvault_lab.configgen import planted_secrets
from tests.integration.project import PLATFORMS, Project, write_project

pytestmark = pytest.mark.integration

LAB_CREDENTIALS = ("lab-password", "lab-enable")
FAULTS = ("auth_reject", "disconnect", "garbage", "no_end_marker", "unexpected_prompt", "shrink")


class _Everything(logging.Handler):
    """Every log record of every library, at DEBUG, formatted with its traceback if any."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@dataclass
class Leaks:
    project: Project
    log_text: str
    messages: list[str]
    cli_output: str

    def archive_text(self) -> str:
        """Every version of every file ever committed, plus the work tree."""
        history = self.project.git("log", "-p", "--all", "--format=%B")
        files = [p.read_text() for p in self.project.archive.rglob("*.cfg")]
        return history + "\n".join(files)

    def database_text(self) -> str:
        path = self.project.root / "data" / "confvault.db"
        with sqlite3.connect(path) as conn:
            return "\n".join(conn.iterdump())


@pytest.fixture(scope="module")
def leaks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Leaks]:
    tmp = tmp_path_factory.mktemp("secrets")
    groups: list[dict[str, object]] = [
        {"platform": p, "provider": "acme", "size": 6000} for p in PLATFORMS
    ]
    groups.append(
        {"platform": "cisco_ios", "provider": "faulty", "count": len(FAULTS), "size": 6000}
    )
    root = tmp / "project"
    handler = _Everything()
    root_logger = logging.getLogger()
    level = root_logger.level
    with Lab(parse_spec({"groups": groups}), tmp / "lab", inventory_dir=root / "inventory") as lab:
        project = write_project(root, lab, workers=20, timeout=2)
        root_logger.addHandler(handler)
        root_logger.setLevel(logging.DEBUG)
        try:
            first = run_backup(project.settings(mask_secrets=True), Selection(), env=project.env)
            faulty = [d for d in lab.devices if d.provider == "faulty"]
            for device, fault in zip(faulty, FAULTS, strict=True):
                lab.set_fault(device.name, fault)
                lab.mutate(device.name)
            second = run_backup(project.settings(mask_secrets=True), Selection(), env=project.env)
        finally:
            root_logger.removeHandler(handler)
            root_logger.setLevel(level)
        cli = [project.cli("run", "--json", "--mask-secrets"), project.cli("status", "--json")]
        yield Leaks(
            project=project,
            log_text="\n".join(handler.lines),
            messages=[r.message for report in (first, second) for r in report.results],
            cli_output="\n".join(c.stdout + c.stderr for c in cli),
        )


def test_faults_really_happened(leaks: Leaks) -> None:
    failing = [m for m in leaks.messages if m]
    assert len(failing) == len(FAULTS)
    assert "authentication failed" in leaks.cli_output  # the output under test shows failures


@pytest.mark.parametrize("credential", LAB_CREDENTIALS)
def test_lab_credentials_appear_nowhere(leaks: Leaks, credential: str) -> None:
    assert leaks.log_text  # the libraries did log at DEBUG
    assert credential not in leaks.archive_text()
    assert credential not in leaks.database_text()
    assert credential not in leaks.log_text
    assert not [m for m in leaks.messages if credential in m]
    assert credential not in leaks.cli_output


@pytest.mark.parametrize("platform", PLATFORMS)
def test_planted_secrets_are_masked_in_the_archive(leaks: Leaks, platform: str) -> None:
    [device] = [
        d for d in leaks.project.lab.devices if d.platform == platform and d.provider == "acme"
    ]
    secrets = planted_secrets(platform, device.name)
    assert secrets
    archived = (leaks.project.archive / "acme" / f"{device.name}.cfg").read_text()
    history = leaks.archive_text()
    for secret in secrets:
        assert secret not in archived, secret
        assert secret not in history, secret
