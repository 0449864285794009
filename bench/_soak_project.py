"""Soak plumbing: the lab and project, `confvault run` as cron starts it, git in the archive.

Every child process here has a timeout; the lab listens on loopback only.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import yaml

import confvault
from confvault_lab import PLATFORMS, Lab, parse_spec
from confvault_lab.spec import LabSpec

RUN_TIMEOUT_S = 120.0  # a run of ~100 loopback devices takes seconds; far past that it is hung
GIT_TIMEOUT_S = 60.0
PROVIDER = "soak"
CRASH_ENV = "CONFVAULT_TEST_CRASH_AT"
_CRASH_POINT = re.compile(r"""CRASH_HOOK\.point\(\s*["']([\w.-]+)["']""")


def crash_points() -> list[str]:
    """Every named kill point the product offers, read from its source so that points added
    later are soaked too."""
    source = Path(confvault.__file__).resolve().parent
    found = {m for f in source.rglob("*.py") for m in _CRASH_POINT.findall(f.read_text("utf-8"))}
    return sorted(found)


def soak_spec(devices: int, size: int, login_latency_s: float) -> LabSpec:
    """Every lab platform, round-robin; a little login latency so that a run lasts long enough
    for a kill to land during collection."""
    per_platform = {p: devices // len(PLATFORMS) for p in PLATFORMS}
    for platform in PLATFORMS[: devices % len(PLATFORMS)]:
        per_platform[platform] += 1
    groups = [
        {
            "platform": platform,
            "provider": PROVIDER,
            "count": count,
            "size": size,
            "latency": {"login": login_latency_s, "command": 0.0},
        }
        for platform, count in per_platform.items()
        if count
    ]
    return parse_spec({"groups": groups, "pregenerate": True}, "soak spec")


@dataclass(frozen=True)
class RunOutcome:
    """One `confvault run` child: how it ended and what it printed."""

    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    timed_out: bool = False

    @property
    def died(self) -> bool:
        """Killed by a signal (ours or the crash hook's), or hung past the timeout."""
        return self.returncode < 0 or self.timed_out

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.stderr

    def last_error_line(self) -> str:
        lines = [line for line in self.stderr.strip().splitlines() if line.strip()]
        return lines[-1][:300] if lines else ""


@dataclass
class SoakProject:
    root: Path
    lab: Lab
    database_url: str
    env: dict[str, str] = field(default_factory=dict)
    current: RunningRun | None = None  # the latest run started, killed if the soak is stopped

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def git_dir(self) -> Path:
        return self.archive / ".git"

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "-C", str(self.archive), *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=GIT_TIMEOUT_S,
        )

    def start_run(self, extra_env: dict[str, str] | None = None) -> RunningRun:
        # files, not pipes: nobody reads a pipe while a fault waits; finish() closes them
        out = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        err = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        command = [sys.executable, "-m", "confvault", "--config", str(self.root / "confvault.yaml")]
        process = subprocess.Popen(
            [*command, "run", "--json"],
            env={**self.env, **(extra_env or {})},
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,  # its own group: a kill takes its git children too
        )
        self.current = RunningRun(process, out, err, time.monotonic())
        return self.current

    def run(self, extra_env: dict[str, str] | None = None) -> RunOutcome:
        return self.start_run(extra_env).finish()


class RunningRun:
    """A `confvault run` in progress, which a fault may kill or watch."""

    def __init__(
        self, process: subprocess.Popen[bytes], out: IO[str], err: IO[str], started: float
    ) -> None:
        self.process = process
        self._out = out
        self._err = err
        self.started = started

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_until(self, condition: Callable[[], bool], limit_s: float, step_s: float) -> bool:
        """Poll ``condition`` while the run lives; True once it held, False if the run ended
        first or ``limit_s`` passed."""
        deadline = time.monotonic() + limit_s
        while self.alive() and time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(step_s)
        return False

    def kill_group(self) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def children(self) -> list[int]:
        """Direct children (the git processes the run started)."""
        try:
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text("ascii")
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def finish(self) -> RunOutcome:
        timed_out = False
        remaining = RUN_TIMEOUT_S - (time.monotonic() - self.started)
        try:
            self.process.wait(timeout=max(remaining, 1.0))
        except subprocess.TimeoutExpired:
            timed_out = True
            self.kill_group()
            self.process.wait(timeout=30)
        wall = time.monotonic() - self.started
        texts = []
        for handle in (self._out, self._err):
            handle.seek(0)
            texts.append(handle.read())
            handle.close()
        return RunOutcome(self.process.returncode, texts[0], texts[1], wall, timed_out)


def child_command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", "replace")


@contextmanager
def soak_project(
    workdir: Path, devices: int, size: int, login_latency_s: float, database_url: str
) -> Iterator[SoakProject]:
    root = workdir / "project"
    root.mkdir(parents=True)
    spec = soak_spec(devices, size, login_latency_s)
    lab = Lab(spec, workdir / "lab", inventory_dir=root / "inventory", in_subprocess=True)
    with lab:
        inventory = {
            "plugin": "SimpleInventory",
            "options": {
                "host_file": "inventory/hosts.yaml",
                "group_file": "inventory/groups.yaml",
                "defaults_file": "inventory/defaults.yaml",
            },
        }
        (root / "nornir.yaml").write_text(yaml.safe_dump({"inventory": inventory}))
        url = database_url or f"sqlite:///{root / 'data' / 'confvault.db'}"
        settings = {
            "archive_path": "archive",
            "data_dir": "data",
            "database_url": url,
            "workers": 25,
            "timeout": 20,
            "retries": 0,
            "ramp_up": 0,
        }
        (root / "confvault.yaml").write_text(yaml.safe_dump(settings))
        env = {**os.environ, **lab.credentials_env()}
        env.pop(CRASH_ENV, None)
        yield SoakProject(root=root, lab=lab, database_url=url, env=env)
