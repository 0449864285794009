"""A real project on disk for the CLI tests: no lab, no SSH, no PostgreSQL.

The project comes from ``confvault init`` (SQLite, an empty Git archive) and its example devices
are inactive; rows and commits are written through the product's own API.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.unit.cli.cli_project import FAILED_DEVICE, OK_DEVICE, OUTSIDE_ENV, Confvault, Seeded

from confvault.config_repo import ConfigRepo
from confvault.db import BackupRecord, Database
from confvault.models import BackupStatus, Device, ErrorClass, RunStatus
from confvault.service import init_project
from confvault.settings import load_settings


@pytest.fixture
def confvault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Confvault]:
    """A fresh ``confvault init`` project (SQLite database, empty archive); cwd is its root."""
    for name in OUTSIDE_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ACME_PASSWORD", "not-used")  # the example group's credential reference
    root = tmp_path / "project"
    init_project(root, env={})
    monkeypatch.chdir(root)
    sigterm = signal.getsignal(signal.SIGTERM)
    yield Confvault(root=root, runner=CliRunner())
    signal.signal(signal.SIGTERM, sigterm)  # `run` makes SIGTERM raise KeyboardInterrupt


@pytest.fixture
def seeded(confvault: Confvault) -> Seeded:
    settings = load_settings(confvault.config, env={}, overrides={}, cwd=confvault.root)
    archive = ConfigRepo.open(
        settings.archive_path, author_name=settings.author_name, author_email=settings.author_email
    )
    path = f"acme/{OK_DEVICE}.cfg"
    first = datetime.now(UTC) - timedelta(days=100)
    commits: list[str] = []
    with Database(settings.database_url) as database:
        database.store.sync_devices(
            [
                Device(name=OK_DEVICE, hostname="192.0.2.1", platform="cisco_ios", provider="acme"),
                Device(
                    name=FAILED_DEVICE, hostname="192.0.2.2", platform="huawei", provider="globex"
                ),
            ]
        )
        for day, text in ((0, "hostname acme-1\n!\nend\n"), (1, "hostname acme-1\nntp 1\nend\n")):
            at = first + timedelta(days=day)
            run_id = database.store.start_run(workers=1, selection="all", pid=1, hostname="h")
            outcome = archive.commit_run({path: text}, run_id=run_id, committed_at=at)
            assert outcome.commit_id is not None
            commits.append(outcome.commit_id)
            database.store.record_backups(
                run_id,
                [
                    BackupRecord(
                        device=OK_DEVICE,
                        status=BackupStatus.OK,
                        started_at=at,
                        ended_at=at + timedelta(seconds=2),
                        changed=True,
                        commit_id=outcome.commit_id,
                    ),
                    BackupRecord(
                        device=FAILED_DEVICE,
                        status=BackupStatus.FAILED,
                        started_at=at,
                        ended_at=at + timedelta(seconds=20),
                        error_class=ErrorClass.TIMEOUT,
                        message="device did not finish within its deadline",
                    ),
                ],
            )
            database.store.finish_run(run_id, RunStatus.PARTIAL, outcome.commit_id)
    return Seeded(commits=(commits[0], commits[1]), first_backup_at=first)
