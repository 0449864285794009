"""End-to-end fixtures: a device lab over real SSH, a project on disk, SQLite or PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from confvault.lab import Lab, parse_spec
from confvault.service import RunReport, Selection, run_backup
from confvault.settings import Settings, load_settings

PLATFORMS = (
    "cisco_ios",
    "cisco_nxos",
    "cisco_xr",
    "arista_eos",
    "juniper_junos",
    "huawei",
    "mikrotik_routeros",
    "hp_comware",
)


@dataclass
class Project:
    """A confvault project directory wired to a running lab."""

    root: Path
    lab: Lab
    database_url: str

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, **self.lab.credentials_env()}

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    def settings(self, **overrides: object) -> Settings:
        return load_settings(
            self.root / "confvault.yaml", env=self.env, overrides=overrides, cwd=self.root
        )

    def run(self, selection: Selection | None = None, **overrides: object) -> RunReport:
        return run_backup(self.settings(**overrides), selection or Selection(), env=self.env)

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(self.archive), *args], check=True, capture_output=True, text=True
        ).stdout

    def commits(self) -> list[str]:
        return self.git("rev-list", "HEAD").split()

    def cli(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """The real console command in a child process: exit codes and output as cron sees them."""
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "confvault",
                "--config",
                str(self.root / "confvault.yaml"),
                *args,
            ],
            capture_output=True,
            text=True,
            env=env or self.env,
            cwd=self.root,
            timeout=120,
        )


def lab_spec() -> dict[str, object]:
    """One device per platform for tenant acme, plus two IOS switches for tenant globex."""
    groups: list[dict[str, object]] = [
        {"platform": p, "provider": "acme", "size": 6000} for p in PLATFORMS
    ]
    groups.append({"platform": "cisco_ios", "provider": "globex", "count": 2, "size": 6000})
    return {"groups": groups}


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=[pytest.mark.postgres]),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'confvault.db'}"
    new_database: Callable[[], str] = request.getfixturevalue("new_pg_database")
    return new_database()


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Iterator[Project]:
    root = tmp_path / "project"
    root.mkdir()
    spec = parse_spec(lab_spec())
    with Lab(spec, tmp_path / "lab", inventory_dir=root / "inventory") as lab:
        (root / "nornir.yaml").write_text(
            yaml.safe_dump(
                {
                    "inventory": {
                        "plugin": "SimpleInventory",
                        "options": {
                            "host_file": "inventory/hosts.yaml",
                            "group_file": "inventory/groups.yaml",
                            "defaults_file": "inventory/defaults.yaml",
                        },
                    }
                }
            )
        )
        (root / "confvault.yaml").write_text(
            yaml.safe_dump(
                {
                    "archive_path": "archive",
                    "data_dir": "data",
                    "database_url": database_url,
                    "workers": 8,
                    "timeout": 20,
                    "retries": 0,
                }
            )
        )
        yield Project(root=root, lab=lab, database_url=database_url)
