"""A confvault project directory wired to a running device lab, for the integration tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from confvault.service import RunReport, Selection, run_backup
from confvault.settings import Settings, load_settings
from confvault_lab import PLATFORMS, Lab

__all__ = ["PLATFORMS", "Project", "write_project"]

NORNIR_CONFIG = {
    "inventory": {
        "plugin": "SimpleInventory",
        "options": {
            "host_file": "inventory/hosts.yaml",
            "group_file": "inventory/groups.yaml",
            "defaults_file": "inventory/defaults.yaml",
        },
    }
}


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
        config = str(self.root / "confvault.yaml")
        return subprocess.run(
            [sys.executable, "-m", "confvault", "--config", config, *args],
            capture_output=True,
            text=True,
            env=env or self.env,
            cwd=self.root,
            timeout=120,
        )


def write_project(
    root: Path, lab: Lab, *, database_url: str | None = None, **settings: object
) -> Project:
    """Write nornir.yaml and confvault.yaml next to the lab's inventory in ``root``.

    SQLite in ``root/data`` unless a database URL is given; ``settings`` override the defaults
    below (8 workers, 20 s deadline, no retries, no ramp-up: tests want fast, single-round runs).
    """
    root.mkdir(parents=True, exist_ok=True)
    database_url = database_url or f"sqlite:///{root / 'data' / 'confvault.db'}"
    (root / "nornir.yaml").write_text(yaml.safe_dump(NORNIR_CONFIG))
    values: dict[str, object] = {
        "archive_path": "archive",
        "data_dir": "data",
        "database_url": database_url,
        "workers": 8,
        "timeout": 20,
        "retries": 0,
        "ramp_up": 0,
        **settings,
    }
    (root / "confvault.yaml").write_text(yaml.safe_dump(values))
    return Project(root=root, lab=lab, database_url=database_url)
