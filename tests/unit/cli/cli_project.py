"""The ``confvault`` command run in-process, as the console script runs it.

``confvault.cli.main()`` turns our errors into one line and an exit code; :class:`Confvault` calls
it (click's ``CliRunner`` capturing the streams) so the exit codes are the ones cron sees.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner

from confvault.cli import main
from confvault.settings import ENV_NAMES

# Variables that would reach into the developer's own setup.
OUTSIDE_ENV = ("CONFVAULT_CONFIG", *ENV_NAMES)

OK_DEVICE = "acme-1"
FAILED_DEVICE = "globex-1"


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def error_line(self) -> str:
        """The one line a usage error prints; fails if there is more, or a traceback."""
        assert "Traceback" not in self.stderr, self.stderr
        lines = self.stderr.strip().splitlines()
        assert len(lines) == 1, self.stderr
        return lines[0]


@dataclass(frozen=True)
class Confvault:
    """``confvault --config <project>/confvault.yaml ARGS`` through ``confvault.cli.main``."""

    root: Path
    runner: CliRunner

    @property
    def config(self) -> Path:
        return self.root / "confvault.yaml"

    def __call__(self, *args: str, config: Path | None = None) -> Outcome:
        return self.bare("--config", str(config or self.config), *args)

    def bare(self, *args: str) -> Outcome:
        """Without ``--config``: the project is found (or not) as a user's shell would."""
        with (
            self.runner.isolation() as (stdout, stderr, _),
            mock.patch.object(sys, "argv", ["confvault", *args]),
        ):
            try:
                main()
            except SystemExit as stop:  # main() always exits, with the code cron sees
                code = stop.code
            else:
                pytest.fail("confvault.cli.main() returned instead of exiting")
        assert isinstance(code, int), code
        return Outcome(code, stdout.getvalue().decode(), stderr.getvalue().decode())


@dataclass(frozen=True)
class Seeded:
    """What the ``seeded`` fixture wrote: two runs; one device ok, archived twice; one failing."""

    commits: tuple[str, str]  # OK_DEVICE's archive commits, oldest first
    first_backup_at: datetime
