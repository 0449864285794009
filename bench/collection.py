"""Collection benchmark (issue 6): confvault against the plain netmiko script, on one device lab.

    .venv/bin/python bench/collection.py [--devices 3000] [--workers 100] [--latency 1.0]
        [--size 20000] [--changed 0.03] [--quick] [--scaling] [--database-url URL]

The lab runs in its own process. Each measured phase (first run from an empty archive, the
steady-state run after a few devices changed, the baseline script) runs in a fresh child process
(bench/_phase.py) so its CPU time and peak RSS are its own. Prints a markdown table and writes
bench/results/latest.json. The 365-run Git history figures are in bench/git_commit.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lab import BenchProject, bench_project
from _report import markdown_report

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results" / "latest.json"
SCALING_SIZES = (300, 1000, 3000, 10_000)
SCALING_BUDGET_S = 15 * 60  # issue 6: the 10,000 row only if the scaling rows fit in 15 minutes


def run_phase(
    project: BenchProject, args: list[str], profile: Path | None = None
) -> dict[str, Any]:
    """One phase in a child process, with the lab's CPU over the same interval.

    With ``profile``, py-spy samples the thread holding the GIL (without pausing the process) into a
    collapsed-stack file: ``grep`` it or feed it to any flame graph tool."""
    command = [sys.executable, str(BENCH_DIR / "_phase.py"), *args]
    if profile is not None:
        py_spy = Path(sys.executable).with_name("py-spy")
        spy = [str(py_spy), "record", "--gil", "--nonblocking", "--format", "raw"]
        command = [*spy, "-o", str(profile), "--", *command]
    lab_cpu_before = project.lab_cpu_seconds()
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=project.env,
        check=False,
    )
    if completed.returncode != 0:
        tail = completed.stderr.strip().splitlines()[-1:] or ["no output"]
        sys.exit(f"benchmark phase {args[0]} failed: {tail[0]}")
    # py-spy adds its own lines around the phase's single JSON line
    [line] = [x for x in completed.stdout.splitlines() if x.startswith("{")]
    outcome: dict[str, Any] = json.loads(line)
    outcome["lab_cpu_s"] = project.lab_cpu_seconds() - lab_cpu_before
    return outcome


def confvault_run(
    project: BenchProject, env_file: Path, profile: Path | None = None
) -> dict[str, Any]:
    return run_phase(project, ["confvault", str(project.root), str(env_file)], profile)


def baseline_run(project: BenchProject, workers: int, profile: Path | None) -> dict[str, Any]:
    devices_file = project.write_baseline_devices()
    arguments = ["baseline", str(devices_file), str(project.root / "plain"), str(workers)]
    return run_phase(project, arguments, profile)


def _timed(action: Any, repeat: int = 5) -> float:
    """Best of ``repeat`` calls, in milliseconds (the first one warms the page cache)."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return min(samples) * 1000


def history_figures(project: BenchProject, device: str) -> dict[str, Any]:
    from confvault.service import diff, history
    from confvault.settings import load_settings

    settings = load_settings(
        project.root / "confvault.yaml", env=project.env, overrides={}, cwd=project.root
    )
    _, commits = history(settings, device)
    text = diff(settings, device)

    def cli(*command: str) -> None:
        config = str(project.root / "confvault.yaml")
        subprocess.run(
            [sys.executable, "-m", "confvault", "--config", config, *command],
            capture_output=True,
            env=project.env,
            cwd=project.root,
            check=True,
        )

    return {
        "device": device,
        "commits": len(commits),
        "diff_lines": len(text.splitlines()),
        "history_library_ms": _timed(lambda: history(settings, device)),
        "diff_library_ms": _timed(lambda: diff(settings, device)),
        "history_cli_ms": _timed(lambda: cli("history", device), repeat=3),
        "diff_cli_ms": _timed(lambda: cli("diff", device), repeat=3),
        "python_startup_ms": _timed(
            lambda: subprocess.run([sys.executable, "-c", "import confvault.cli"], check=True),
            repeat=3,
        ),
    }


def full_benchmark(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    with bench_project(
        workdir, args.devices, args.latency, args.size, args.workers, args.database_url
    ) as project:
        env_file = project.write_env_file()
        print(f"lab: {args.devices} devices, started in {project.lab.start_seconds:.1f} s")
        profile = args.profile
        first = confvault_run(project, env_file, profile and profile / "confvault-first.txt")
        print(f"first run: {first['wall_s']:.1f} s, {first['ok']}/{first['devices']} ok")
        changed = project.mutate(args.changed)
        steady = confvault_run(project, env_file)
        print(f"steady run: {steady['wall_s']:.1f} s, {steady['changed']} changed")
        baseline = baseline_run(project, args.workers, profile and profile / "baseline.txt")
        print(f"baseline: {baseline['wall_s']:.1f} s, {baseline['ok']}/{baseline['devices']} ok")
        history = history_figures(project, changed[0])
        lab_stats = project.lab.stats()
    return {
        "confvault_first": first,
        "confvault_steady": steady,
        "baseline": baseline,
        "history": history,
        "mutated": len(changed),
        "lab_sessions": lab_stats.sessions_served,
        "lab_errors": lab_stats.lab_errors,
    }


def scaling_rows(args: argparse.Namespace, workdir: Path) -> list[dict[str, Any]]:
    """First runs at growing N; a size runs only if its estimate fits the remaining budget."""
    rows = []
    started = time.perf_counter()
    for devices in SCALING_SIZES:
        # lab start + pregeneration ~1.5 ms/device, the run ~1.3 x ideal, with room to spare
        estimate = devices * 0.0015 + 1.3 * devices * args.latency / args.workers + 10
        spent = time.perf_counter() - started
        if spent + estimate > SCALING_BUDGET_S:
            print(f"scaling N={devices}: skipped (~{estimate:.0f} s would pass the 15 min budget)")
            continue
        with bench_project(
            workdir / "scaling", devices, args.latency, args.size, args.workers, args.database_url
        ) as project:
            lab_start_s = project.lab.start_seconds
            outcome = confvault_run(project, project.write_env_file())
        outcome["n"] = devices
        outcome["lab_start_s"] = lab_start_s
        print(f"scaling N={devices}: {outcome['wall_s']:.1f} s (lab start {lab_start_s:.1f} s)")
        rows.append(outcome)
    return rows


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=100)
    parser.add_argument("--latency", type=float, default=1.0, help="login latency per device, s")
    parser.add_argument("--size", type=int, default=20_000, help="configuration bytes")
    parser.add_argument("--changed", type=float, default=0.03, help="fraction for steady state")
    parser.add_argument("--quick", action="store_true", help="smoke run: 300 devices")
    parser.add_argument(
        "--scaling", action="store_true", help="also N = 300, 1,000, 3,000, 10,000 (15 min budget)"
    )
    parser.add_argument("--database-url", default="", help="default: SQLite in the project")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary dir")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--profile", type=Path, default=None, help="dir for py-spy stacks of first run + baseline"
    )
    args = parser.parse_args(argv)
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    if args.quick:
        args.devices = 300
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="confvault-bench-", dir=args.workdir) as tmp:
        workdir = Path(tmp)
        results: dict[str, Any] = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                # other work on the machine skews every figure: keep the evidence with them
                "load_average_at_start": os.getloadavg(),
            },
            "params": {
                "devices": args.devices,
                "workers": args.workers,
                "latency_s": args.latency,
                "size": args.size,
                "changed": args.changed,
                "database": "postgresql" if args.database_url.startswith("postgres") else "sqlite",
            },
        }
        results.update(full_benchmark(args, workdir))
        if args.scaling:
            results["scaling"] = scaling_rows(args, workdir)
        results["machine"]["load_average_at_end"] = os.getloadavg()
    print()
    print(markdown_report(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.output}")


if __name__ == "__main__":
    main()
