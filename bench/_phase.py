"""One measured phase of the collection benchmark, run in its own child process.

    python bench/_phase.py confvault PROJECT_DIR ENV_JSON
    python bench/_phase.py baseline DEVICES_JSON OUT_DIR WORKERS

A fresh process per phase keeps ``ru_maxrss`` (a high-water mark) and CPU time honest: nothing
from an earlier phase or from the orchestrator is counted. Prints one JSON object on stdout.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any


def _cpu_seconds() -> float:
    """User + system CPU of this process and of the children it waited for (git)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


_PAGE_MB = resource.getpagesize() / 2**20


def _current_rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1]) * _PAGE_MB


class _RssDuringCollection:
    """Highest RSS seen while results arrive: tells collection apart from commit/DB peaks."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._seen = 0

    def __call__(self, _result: object) -> None:
        self._seen += 1
        if self._seen % 50 == 0:  # /proc read per 50 devices keeps this out of the figures
            self.peak_mb = max(self.peak_mb, _current_rss_mb())


class _ConnectionCounter:
    """Counts database connections through SQLAlchemy's pool events (any dialect)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.open_now = 0
        self.peak_open = 0
        self.opened = 0
        self.checked_out = 0
        self.peak_checked_out = 0

    def install(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.pool import Pool

        event.listen(Pool, "connect", self._on_connect)
        event.listen(Pool, "close", self._on_close)
        event.listen(Pool, "close_detached", self._on_close)
        event.listen(Pool, "checkout", self._on_checkout)
        event.listen(Pool, "checkin", self._on_checkin)

    def _on_connect(self, *_: object) -> None:
        with self._lock:
            self.opened += 1
            self.open_now += 1
            self.peak_open = max(self.peak_open, self.open_now)

    def _on_close(self, *_: object) -> None:
        with self._lock:
            self.open_now -= 1

    def _on_checkout(self, *_: object) -> None:
        with self._lock:
            self.checked_out += 1
            self.peak_checked_out = max(self.peak_checked_out, self.checked_out)

    def _on_checkin(self, *_: object) -> None:
        with self._lock:
            self.checked_out -= 1


def run_confvault(project_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    from confvault.service import Selection, run_backup
    from confvault.settings import load_settings

    counter = _ConnectionCounter()
    counter.install()
    settings = load_settings(project_dir / "confvault.yaml", env=env, overrides={}, cwd=project_dir)
    cpu_before, wall_before = _cpu_seconds(), time.perf_counter()
    rss_during_collection = _RssDuringCollection()
    report = run_backup(settings, Selection(), env=env, on_result=rss_during_collection)
    wall = time.perf_counter() - wall_before
    failures: dict[str, int] = {}
    for result in report.failed:
        key = result.error_class.value if result.error_class else "unknown"
        failures[key] = failures.get(key, 0) + 1
    return {
        "wall_s": wall,
        "cpu_s": _cpu_seconds() - cpu_before,
        "peak_rss_mb": _peak_rss_mb(),
        "rss_during_collection_mb": rss_during_collection.peak_mb,
        "rss_at_end_mb": _current_rss_mb(),
        "devices": len(report.results),
        "ok": report.ok_count,
        "failures": failures,
        "first_failure": report.failed[0].message if report.failed else "",
        "changed": sum(1 for f in report.commit.files if f.changed),
        "timings": dict(report.timings),
        "db_connections_peak_open": counter.peak_open,
        "db_connections_peak_in_use": counter.peak_checked_out,
        "db_connections_opened": counter.opened,
    }


def _baseline_device(device: dict[str, Any], out_dir: Path) -> str | None:
    """The script a user would write: log in, run the platform's commands, write a file."""
    from netmiko import ConnectHandler

    from confvault.platforms import get_platform

    try:
        connection = ConnectHandler(
            device_type=device["platform"],
            host=device["host"],
            port=device["port"],
            username=device["username"],
            password=device["password"],
            secret=device["secret"],
            fast_cli=True,
            allow_agent=False,
            use_keys=False,
            conn_timeout=30,
        )
        try:
            outputs = []
            for command in get_platform(device["platform"]).commands:
                if command.enable:
                    connection.enable()  # as nornir-netmiko does
                outputs.append(str(connection.send_command(command.command, read_timeout=60)))
        finally:
            connection.disconnect()
        (out_dir / f"{device['name']}.cfg").write_text("\n".join(outputs), encoding="utf-8")
        return None
    except Exception as error:  # counted, like a user's script that logs and carries on
        return f"{device['name']}: {type(error).__name__}: {str(error).splitlines()[0][:200]}"


def run_baseline(devices_file: Path, out_dir: Path, workers: int) -> dict[str, Any]:
    devices = json.loads(devices_file.read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    cpu_before, wall_before = _cpu_seconds(), time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        errors = [e for e in pool.map(lambda d: _baseline_device(d, out_dir), devices) if e]
    wall = time.perf_counter() - wall_before
    return {
        "wall_s": wall,
        "cpu_s": _cpu_seconds() - cpu_before,
        "peak_rss_mb": _peak_rss_mb(),
        "devices": len(devices),
        "ok": len(devices) - len(errors),
        "first_failure": errors[0] if errors else "",
    }


def main(argv: list[str]) -> None:
    # Experiment knob (bench/README.md): the GIL hand-over interval for 100 polling threads.
    if interval := os.environ.get("BENCH_SWITCH_INTERVAL"):
        sys.setswitchinterval(float(interval))
    if len(argv) == 3 and argv[0] == "confvault":
        env = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        outcome = run_confvault(Path(argv[1]), env)
    elif len(argv) == 4 and argv[0] == "baseline":
        outcome = run_baseline(Path(argv[1]), Path(argv[2]), int(argv[3]))
    else:
        sys.exit(__doc__)
    print(json.dumps(outcome))


if __name__ == "__main__":
    main(sys.argv[1:])
