"""Benchmark plumbing: a lab in a subprocess, a project wired to it, CPU of the lab process."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from confvault_lab import PLATFORMS, Lab, parse_spec
from confvault_lab.spec import LabSpec

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def bench_spec(devices: int, latency_s: float, size: int) -> LabSpec:
    """Mixed platforms round-robin; all of a device's latency is at login (the SSH handshake,
    AAA and banner are where real devices spend their time; show commands answer fast)."""
    per_platform = {p: devices // len(PLATFORMS) for p in PLATFORMS}
    for platform in PLATFORMS[: devices % len(PLATFORMS)]:
        per_platform[platform] += 1
    groups = [
        {
            "platform": platform,
            "provider": "bench",
            "count": count,
            "size": size,
            "latency": {"login": latency_s, "command": 0.0},
        }
        for platform, count in per_platform.items()
        if count
    ]
    # configurations exist before the timed runs, as on real devices
    return parse_spec({"groups": groups, "pregenerate": True}, "benchmark spec")


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of a running process from /proc (psutil is not a dependency)."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    fields = stat[stat.rindex(")") + 2 :].split()  # the command name may hold spaces
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


@dataclass
class BenchProject:
    root: Path
    lab: Lab
    lab_pid: int

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, **self.lab.credentials_env()}

    def write_env_file(self) -> Path:
        path = self.root / "env.json"
        path.write_text(json.dumps(self.env), encoding="utf-8")
        return path

    def write_baseline_devices(self) -> Path:
        credentials = self.lab.spec.credential_groups["lab"]
        devices = [
            {
                "name": d.name,
                "platform": d.platform,
                "host": d.address,
                "port": d.port,
                "username": credentials.username,
                "password": credentials.password,
                "secret": credentials.enable,
            }
            for d in self.lab.devices
        ]
        path = self.root / "baseline-devices.json"
        path.write_text(json.dumps(devices), encoding="utf-8")
        return path

    def mutate(self, fraction: float, seed: int = 6) -> list[str]:
        names = sorted(d.name for d in self.lab.devices)
        chosen = random.Random(seed).sample(names, max(1, round(len(names) * fraction)))
        for name in chosen:
            self.lab.mutate(name)
        return chosen

    def lab_cpu_seconds(self) -> float:
        return process_cpu_seconds(self.lab_pid)


@contextmanager
def bench_project(
    workdir: Path, devices: int, latency_s: float, size: int, workers: int, database_url: str
) -> Iterator[BenchProject]:
    root = workdir / f"project-{devices}"
    root.mkdir(parents=True)
    spec = bench_spec(devices, latency_s, size)
    lab = Lab(
        spec, workdir / f"lab-{devices}", inventory_dir=root / "inventory", in_subprocess=True
    )
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
        settings = {
            "archive_path": "archive",
            "data_dir": "data",
            "database_url": database_url or f"sqlite:///{root / 'data' / 'confvault.db'}",
            "workers": workers,
            "timeout": 60,
        }
        (root / "confvault.yaml").write_text(yaml.safe_dump(settings))
        # the lab subprocess, for its own CPU figures
        yield BenchProject(root=root, lab=lab, lab_pid=lab.pid)
