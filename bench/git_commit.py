"""Measure the Git archive at scale: first import, steady-state commits, history queries.

    .venv/bin/python bench/git_commit.py [--devices 3000] [--kb 20] [--runs 365] [--changed 0.03]

Prints a markdown table. Targets (issue 6): steady-state commit < 0.5 s, first import < 10 s,
history/diff of one device < 100 ms after 365 runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from confvault.config_repo import ConfigRepo


def make_config(device: int, size: int) -> str:
    lines = [f"hostname r{device:05d}", "!"]
    port = 0
    while sum(len(line) + 1 for line in lines) < size:
        lines += [
            f"interface GigabitEthernet0/{port}",
            f" description uplink {device}-{port}",
            f" ip address 10.{device % 250}.{port % 250}.1 255.255.255.0",
            " no shutdown",
            "!",
        ]
        port += 1
    return "\n".join([*lines, "end"]) + "\n"


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    """Median seconds of ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def plain_git_log(repo: Path, path: str) -> None:
    subprocess.run(["git", "-C", str(repo), "log", "--oneline", "--", path], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=3000)
    parser.add_argument("--kb", type=int, default=20)
    parser.add_argument("--runs", type=int, default=365)
    parser.add_argument("--changed", type=float, default=0.03)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="confvault-bench-"))
    repo = ConfigRepo.init(workdir / "archive", author_name="bench", author_email="bench@local")
    files = {f"p{n % 10}/r{n:05d}.cfg": make_config(n, args.kb * 1000) for n in range(args.devices)}
    rng = random.Random(42)
    day0 = datetime(2025, 1, 1, 2, 0, tzinfo=UTC)
    rows: list[tuple[str, str]] = []

    repo.prepare()
    first = repo.commit_run(files, run_id=1, committed_at=day0)
    rows.append((f"first import, {args.devices} x {args.kb} KB", f"{first.seconds:.2f} s"))

    steady: list[float] = []
    prepare_times: list[float] = []
    per_run = max(1, int(args.devices * args.changed))
    watched = "p0/r00000.cfg"
    for run in range(2, args.runs + 1):
        for path in rng.sample(sorted(files), per_run):
            files[path] += f"! change in run {run}\n"
        if run % 30 == 0:
            files[watched] += f"! watched change in run {run}\n"
        prepare_times.append(timed(repo.prepare))
        outcome = repo.commit_run(files, run_id=run, committed_at=day0 + timedelta(days=run))
        steady.append(outcome.seconds)
    if steady:
        rows.append(
            (
                f"steady-state commit, {per_run} changed ({args.changed:.0%}), median",
                f"{statistics.median(steady) * 1000:.0f} ms (p95 "
                f"{sorted(steady)[int(len(steady) * 0.95)] * 1000:.0f} ms)",
            )
        )
        rows.append(
            ("prepare() per run, median", f"{statistics.median(prepare_times) * 1000:.0f} ms")
        )
    unchanged = repo.commit_run(files, run_id=args.runs + 1)
    rows.append(("run with nothing changed (no commit)", f"{unchanged.seconds * 1000:.0f} ms"))

    for label in ("without commit-graph", "with commit-graph + Bloom filters"):
        if label.startswith("with "):
            rows.append(("write commit-graph (full)", f"{timed(repo.write_commit_graph):.2f} s"))
        rows.append(
            (
                f"history of one device, {label}",
                f"{timed(lambda: repo.history(watched), 5) * 1000:.0f} ms",
            )
        )
        rows.append(
            (
                f"diff (last change), {label}",
                f"{timed(lambda: repo.diff(watched), 5) * 1000:.0f} ms",
            )
        )
        plain = timed(lambda: plain_git_log(repo.path, watched), 5)
        rows.append((f"plain `git log -- path`, {label}", f"{plain * 1000:.0f} ms"))
    at = day0 + timedelta(days=args.runs // 2, hours=1)
    rows.append(
        ("show --at (mid-history)", f"{timed(lambda: repo.show(watched, at=at), 5) * 1000:.0f} ms")
    )
    repo.commit_run({watched: files[watched] + "! one more\n"}, run_id=args.runs + 2)
    rows.append(
        (
            "incremental commit-graph write (--split)",
            f"{timed(repo.write_commit_graph) * 1000:.0f} ms",
        )
    )
    size = subprocess.run(["du", "-sh", str(repo.path / ".git")], capture_output=True, text=True)
    rows.append((".git size", size.stdout.split()[0]))

    print(f"\n{args.devices} devices, {args.kb} KB each, {args.runs} runs; archive in {workdir}\n")
    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
