"""Soak test of issue 11's invariants: random config changes, one random fault per cycle, checks.

    .venv/bin/python bench/soak.py [--cycles 200] [--seed N] [--devices 100] [--postgres]
        [--quick] [--time-limit 5400]

Each cycle: a few devices change in the lab, one fault is drawn (a kind, then one of its
variants), the faulted `confvault run` happens in a child process as cron would start it, a clean
run follows if the faulted one died or could not run, then every invariant is checked (see
bench/_soak_invariants.py). A cycle whose clean run could not run is repaired the way a person
would (stray files, stale locks and a missing index removed or rebuilt) so later cycles measure
their own fault. Prints a summary and writes bench/results/soak.json; exits 1 on any violation.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _soak_faults import Fault, MountRefusedError, SoakContext, Strike, fault_catalogue, mount_works
from _soak_invariants import Finding, check_all, check_no_traceback
from _soak_pg import PrivateCluster, server_binaries
from _soak_project import RunOutcome, SoakProject, crash_points, soak_project

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results" / "soak.json"
QUICK_CYCLES = 6
RUN_LOCK = "confvault-run.lock"
_AGE = re.compile(r"\d+ s old")  # a lock's age in a refusal: the same refusal every time


class Soak:
    def __init__(self, ctx: SoakContext, catalogue: list[Fault]) -> None:
        self.ctx = ctx
        self.by_kind: dict[str, list[Fault]] = defaultdict(list)
        for fault in catalogue:
            self.by_kind[fault.kind].append(fault)
        self.injected: Counter[str] = Counter()
        self.fired: Counter[str] = Counter()
        self.exits: dict[str, Counter[str]] = defaultdict(Counter)
        self.skipped: dict[str, str] = {}
        self.violations: list[dict[str, Any]] = []
        self.repeats: Counter[str] = Counter()
        self._seen: set[Finding] = set()
        self.recoveries: list[dict[str, Any]] = []
        self.hand_repairs: list[dict[str, Any]] = []

    @property
    def project(self) -> SoakProject:
        return self.ctx.project

    def cycle(self, number: int) -> str:
        rng = self.ctx.rng
        names = sorted(d.name for d in self.project.lab.devices)
        for name in rng.sample(names, rng.randint(1, 5)):
            self.project.lab.mutate(name)
        fault = rng.choice(self.by_kind[rng.choice(sorted(self.by_kind))])
        try:
            strike = fault.strike(self.ctx)
        except MountRefusedError as error:  # the kind cannot be set up here: drop it
            self.skipped[fault.kind] = str(error)
            del self.by_kind[fault.kind]
            return f"cycle {number}: {fault.name} skipped ({error})"
        self.injected[fault.name] += 1
        self.fired[fault.name] += strike.fired
        self.exits[fault.name][str(strike.outcome.returncode)] += 1
        findings = [f for run in (*strike.earlier, strike.outcome) for f in check_no_traceback(run)]
        last = strike.outcome
        if not ran_through(last):
            last = self.project.run()
        if ran_through(last):
            self.recoveries.append(
                {"cycle": number, "fault": fault.name, "recovery_s": round(last.wall_s, 2)}
            )
        findings += check_all(self.project, last)
        new = self._record(number, fault, strike, findings)
        repaired = self._repair(number, fault, findings)
        struck = "struck" if strike.fired else "not reached"
        line = f"cycle {number}: {fault.name} ({strike.detail}; {struck}) "
        line += f"exit {strike.outcome.returncode}"
        if not ran_through(strike.outcome) and strike.outcome.last_error_line():
            line += f" ({strike.outcome.last_error_line()[:140]})"
        if last is not strike.outcome:
            line += f", clean run exit {last.returncode} in {last.wall_s:.1f} s"
        if new:
            line += f"; {len(new)} new violation(s): " + "; ".join(f"{c}: {d}" for c, d in new)
        return line + (f"; afterwards: {', '.join(repaired)}" if repaired else "")

    def _record(
        self, number: int, fault: Fault, strike: Strike, findings: list[Finding]
    ) -> list[Finding]:
        new = []
        for check, detail in findings:
            key = (check, _AGE.sub("N s old", detail))
            if key in self._seen:  # the same wrong row or commit, still there
                self.repeats[check] += 1
                continue
            self._seen.add(key)
            new.append((check, detail))
            self.violations.append(
                {
                    "cycle": number,
                    "fault": fault.name,
                    "fault_detail": strike.detail,
                    "faulted_exit": strike.outcome.returncode,
                    "faulted_stderr": strike.outcome.last_error_line(),
                    "check": check,
                    "detail": detail,
                }
            )
        return new

    def _repair(self, number: int, fault: Fault, findings: list[Finding]) -> list[str]:
        """Undo the fault's debris; if runs are stuck, also what a person would clear by hand."""
        actions = fault.repair(self.ctx)
        if not any(check == "clean-run-exit" for check, _ in findings):
            return actions  # the runs went on; a stray file is rightly left, a lock is not
        actions += clear_git_locks(self.project.git_dir)
        after = self.project.run()
        actions.append(f"then a run exited {after.returncode}")
        self.hand_repairs.append({"cycle": number, "fault": fault.name, "actions": actions})
        return actions

    def summary(self) -> dict[str, Any]:
        slowest = max(self.recoveries, key=lambda r: float(r["recovery_s"]), default=None)
        per_kind: dict[str, float] = {}
        for recovery in self.recoveries:
            kind = str(recovery["fault"]).split(":")[0]
            per_kind[kind] = max(per_kind.get(kind, 0.0), float(recovery["recovery_s"]))
        return {
            "faults": {
                name: {
                    "injected": count,
                    "struck": self.fired[name],
                    "faulted_exits": dict(self.exits[name]),
                }
                for name, count in sorted(self.injected.items())
            },
            "skipped_kinds": self.skipped,
            "violations": self.violations,
            "repeated_findings": dict(self.repeats),
            "hand_repairs": self.hand_repairs,
            "slowest_recovery": slowest,
            "slowest_recovery_per_kind_s": per_kind,
        }


def ran_through(outcome: RunOutcome) -> bool:
    """The run was neither killed nor refused, and ended without a traceback."""
    return not outcome.died and outcome.returncode in (0, 1) and not outcome.traceback


def clear_git_locks(git_dir: Path) -> list[str]:
    """A person's repair of a stuck archive: every git lock file, and an index if it is gone."""
    actions = []
    for lock in sorted(git_dir.rglob("*.lock")):
        if lock.name != RUN_LOCK:
            lock.unlink()
            actions.append(f"removed .git/{lock.relative_to(git_dir)}")
    if not (git_dir / "index").exists():
        git = ["git", "--git-dir", str(git_dir), "--work-tree", str(git_dir.parent)]
        subprocess.run([*git, "read-tree", "HEAD"], capture_output=True, timeout=60, check=False)
        actions.append("rebuilt .git/index")
    return actions


def unmount_under(workdir: Path) -> None:
    """A full-disk fault unmounts in its own finally; this is the last resort before cleanup."""
    mounts = Path("/proc/mounts").read_text("utf-8").splitlines()
    for target in sorted((line.split()[1] for line in mounts), reverse=True):
        if target.startswith(str(workdir)):
            subprocess.run(["umount", "-l", target], capture_output=True, timeout=30, check=False)


def print_summary(result: dict[str, Any]) -> None:
    print(f"\ncycles: {result['cycles']} ({result['elapsed_s']:.0f} s), seed {result['seed']}")
    print("| fault | injected | struck | faulted run exits |\n|---|---|---|---|")
    for name, counts in result["faults"].items():
        exits = ", ".join(f"{code} x{n}" for code, n in sorted(counts["faulted_exits"].items()))
        print(f"| {name} | {counts['injected']} | {counts['struck']} | {exits} |")
    for kind, why in result["skipped_kinds"].items():
        print(f"skipped kind {kind}: {why}")
    print(f"violations: {len(result['violations'])}")
    for v in result["violations"]:
        print(
            f"  cycle {v['cycle']} [{v['fault']}: {v['fault_detail']}] {v['check']}: {v['detail']}"
        )
    if result["repeated_findings"]:
        print(f"  (the same findings seen again in later cycles: {result['repeated_findings']})")
    for repair in result["hand_repairs"]:
        print(f"hand repair after cycle {repair['cycle']} ({repair['fault']}): {repair['actions']}")
    slowest = result["slowest_recovery"]
    if slowest:
        print(
            f"slowest recovery: {slowest['recovery_s']} s (cycle {slowest['cycle']}, "
            f"{slowest['fault']}); per kind: {result['slowest_recovery_per_kind_s']}"
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cycles", type=int, default=None, help="default 200 (--quick: 6)")
    parser.add_argument("--seed", type=int, default=None, help="default: drawn, and printed")
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--size", type=int, default=3000, help="configuration bytes")
    parser.add_argument("--latency", type=float, default=0.1, help="login latency per device, s")
    parser.add_argument("--postgres", action="store_true", help="a private pg_ctl cluster")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CYCLES} cycles, 30 devices")
    parser.add_argument("--time-limit", type=float, default=5400.0, help="stop after this, s")
    parser.add_argument(
        "--faults", default="", help="comma-separated kinds or kind:variant names to draw from"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary dir")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.devices = 30
    if args.cycles is None:
        args.cycles = QUICK_CYCLES if args.quick else 200
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1_000_000)
    return args


def soak(
    args: argparse.Namespace, workdir: Path, database_url: str, cluster: Any
) -> dict[str, Any]:
    began = time.monotonic()
    rng = random.Random(args.seed)
    with soak_project(workdir, args.devices, args.size, args.latency, database_url) as project:
        first = project.run()
        if first.returncode != 0:
            sys.exit(f"soak: the first run failed (exit {first.returncode}): {first.stderr[-500:]}")
        for name in rng.sample(sorted(d.name for d in project.lab.devices), 3):
            project.lab.mutate(name)
        typical = project.run()
        print(f"lab: {args.devices} devices; first run {first.wall_s:.1f} s, "
              f"steady run {typical.wall_s:.1f} s")  # fmt: skip
        points = crash_points()
        print(f"crash points in the product: {', '.join(points)}")
        ctx = SoakContext(project, rng, typical.wall_s, cluster, workdir)
        mounts = mount_works(workdir / "mount-probe")
        catalogue = fault_catalogue(points, cluster is not None, mounts)
        if args.faults:
            wanted = set(args.faults.split(","))
            catalogue = [f for f in catalogue if f.kind in wanted or f.name in wanted]
            if not catalogue:
                sys.exit(f"soak: no fault matches --faults {args.faults}")
        runner = Soak(ctx, catalogue)
        if not mounts:
            runner.skipped["full-disk"] = "mount -t tmpfs is refused here"
        done = 0
        try:
            for number in range(1, args.cycles + 1):
                if time.monotonic() - began > args.time_limit:
                    print(f"time limit {args.time_limit:.0f} s reached: stopping after {done}")
                    break
                print(runner.cycle(number), flush=True)
                done = number
        except KeyboardInterrupt:  # report the cycles done; the run in flight goes with the lab
            print(f"interrupted: stopping after {done} cycles")
            if project.current is not None:
                project.current.kill_group()
    return {
        "seed": args.seed,
        "cycles": done,
        "devices": args.devices,
        "database": "postgresql (private cluster)" if cluster else "sqlite",
        "crash_points": points,
        "elapsed_s": round(time.monotonic() - began, 1),
        **runner.summary(),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="confvault-soak-"))
    cluster: PrivateCluster | None = None
    try:
        database_url = ""
        if args.postgres:
            bindir = server_binaries()
            if bindir is None:
                sys.exit(
                    "soak: --postgres needs the PostgreSQL server binaries (package postgresql)"
                )
            cluster = PrivateCluster(bindir)
            cluster.start()
            cluster.create_database()
            database_url = cluster.url
        result = soak(args, workdir, database_url, cluster)
    finally:
        if cluster is not None:
            cluster.remove()
        unmount_under(workdir)
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print_summary(result)
    print(f"written: {args.output}")
    return 1 if result["violations"] else 0


if __name__ == "__main__":
    sys.exit(main())
