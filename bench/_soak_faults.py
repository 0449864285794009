"""The soak's faults: each injects one thing going wrong around or during a `confvault run`.

A fault returns the faulted run's outcome and whether it really struck (a kill point the run never
reached did not). Things the world puts right by itself (the database comes back, the disk is
freed) are put right inside ``strike``, before the clean run. Debris a fault leaves in the archive
(a stray file, a lock, a missing index) is the product's to cope with; ``repair`` removes what is
still there after the invariant check, as a person would, so that the next cycle starts clean.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from _soak_pg import PrivateCluster
from _soak_project import CRASH_ENV, RunOutcome, SoakProject, child_command

STALE_LOCK_AGE_S = 15 * 60  # found by the next cron run, long after the git that left it died
MAINTENANCE_LOOSE_OBJECTS = 6800  # past the 6,700 at which a run starts `git repack`
STRAY_FILES = ("README.md", ".gitlab-ci.yml", "soak/.router.cfg.swp", "notes/todo.txt")
STALE_LOCKS = (
    "index.lock",
    "HEAD.lock",
    "refs/heads/main.lock",
    "packed-refs.lock",
    "objects/info/commit-graphs/commit-graph-chain.lock",
)
DISK_FREE_BYTES = (0, 4096, 64 * 1024, 256 * 1024)
GIT_CHILDREN = ("commit-graph", "hash-object", "update-ref", "read-tree")


class MountRefusedError(Exception):
    """tmpfs cannot be mounted here (not root, or no CAP_SYS_ADMIN): the full-disk kind is off."""


@dataclass
class SoakContext:
    project: SoakProject
    rng: random.Random
    typical_run_s: float
    cluster: PrivateCluster | None = None
    workdir: Path = Path()


@dataclass
class Strike:
    outcome: RunOutcome
    fired: bool
    detail: str = ""
    earlier: tuple[RunOutcome, ...] = ()  # runs the fault needed before the faulted one


@dataclass
class Fault:
    """Base: a fault of one kind (``kind``) and variant (``name``, e.g. the kill point)."""

    kind: str
    variant: str = ""
    created: list[Path] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.variant}" if self.variant else self.kind

    def strike(self, ctx: SoakContext) -> Strike:
        raise NotImplementedError

    def repair(self, ctx: SoakContext) -> list[str]:
        """Remove what this fault left that is still there; say what was removed."""
        removed = []
        for path in self.created:
            if path.exists():
                path.unlink()
                removed.append(f"removed {path.relative_to(ctx.project.archive)}")
        return removed


class KillAtRandom(Fault):
    def strike(self, ctx: SoakContext) -> Strike:
        delay = ctx.rng.uniform(0.05, 1.2 * ctx.typical_run_s)
        run = ctx.project.start_run()
        run.wait_until(lambda: False, delay, 0.01)
        fired = run.alive()
        run.kill_group()
        return Strike(run.finish(), fired, f"kill -9 after {delay:.2f} s")


class KillAtPoint(Fault):
    def strike(self, ctx: SoakContext) -> Strike:
        outcome = ctx.project.run({CRASH_ENV: self.variant})
        return Strike(outcome, outcome.returncode == -9, f"crash hook {self.variant}")


class KillGitChild(Fault):
    """kill -9 of one git child only (what an OOM killer picks), the run itself lives on."""

    def strike(self, ctx: SoakContext) -> Strike:
        run = ctx.project.start_run()
        victim: list[int] = []

        def found() -> bool:
            for pid in run.children():
                words = child_command(pid).split()
                if words and Path(words[0]).name == "git" and self.variant in words:
                    victim.append(pid)
                    return True
            return False

        run.wait_until(found, 60.0, 0.002)
        if victim:
            try:
                os.kill(victim[0], signal.SIGKILL)
            except ProcessLookupError:
                victim.clear()
        return Strike(run.finish(), bool(victim), f"kill -9 of git {self.variant}")


class KillDuringMaintenance(Fault):
    """Enough loose objects that the run starts `git repack`; kill -9 the run while it packs."""

    def strike(self, ctx: SoakContext) -> Strike:
        self.created = write_loose_blobs(ctx.project.git_dir, MAINTENANCE_LOOSE_OBJECTS, ctx.rng)
        run = ctx.project.start_run()
        fired = run.wait_until(
            lambda: any("repack" in child_command(pid) for pid in run.children()), 60.0, 0.005
        )
        if fired:
            time.sleep(ctx.rng.uniform(0.0, 0.2))
            fired = run.alive()
            run.kill_group()
        return Strike(run.finish(), fired, "kill -9 while git repack runs")

    def repair(self, ctx: SoakContext) -> list[str]:
        left = [p for p in self.created if p.exists()]
        for path in left:
            path.unlink()
        return [f"removed {len(left)} injected loose objects"] if left else []


class DatabaseRestart(Fault):
    """PostgreSQL stopped mid-run and started again a moment later."""

    def strike(self, ctx: SoakContext) -> Strike:
        assert ctx.cluster is not None
        down_at = ctx.rng.uniform(0.2, max(0.3, ctx.typical_run_s))
        down_for = ctx.rng.uniform(0.5, 3.0)
        mode = ctx.rng.choice(("fast", "immediate"))
        run = ctx.project.start_run()
        run.wait_until(lambda: False, down_at, 0.01)
        fired = run.alive()
        ctx.cluster.stop(mode)
        time.sleep(down_for)
        ctx.cluster.start()
        detail = f"stopped ({mode}) at {down_at:.1f} s for {down_for:.1f} s"
        return Strike(run.finish(), fired, detail)


@dataclass
class OutageThenKill(Fault):
    """PostgreSQL down from collection to the end of a run (its rows go to the pending journal),
    back up, then the next run, which replays the journal, is killed: at a crash point, or at a
    random moment early on (replay comes first in a run)."""

    points: tuple[str, ...] = ()  # the product's crash points, for the replaying run

    def strike(self, ctx: SoakContext) -> Strike:
        assert ctx.cluster is not None
        first = ctx.project.start_run()
        collecting = first.wait_until(
            lambda: any("hash-object" in child_command(pid) for pid in first.children()),
            60.0,
            0.01,
        )
        ctx.cluster.stop("fast")
        journaled = first.finish()
        ctx.cluster.start()
        pending = list(ctx.project.data_dir.glob("pending-status-run-*.json"))
        names = sorted(d.name for d in ctx.project.lab.devices)
        for name in ctx.rng.sample(
            names, 2
        ):  # so the replaying run commits and reaches every point
            ctx.project.lab.mutate(name)
        point = ctx.rng.choice((*self.points, "random"))
        if point == "random":
            delay = ctx.rng.uniform(0.3, ctx.typical_run_s)
            run = ctx.project.start_run()
            run.wait_until(lambda: False, delay, 0.01)
            fired = run.alive()
            run.kill_group()
            outcome, how = run.finish(), f"kill -9 after {delay:.2f} s"
        else:
            outcome = ctx.project.run({CRASH_ENV: point})
            fired, how = outcome.returncode == -9, f"crash hook {point}"
        detail = (
            f"database down {'while collecting' if collecting else 'early'}, first run exit "
            f"{journaled.returncode}, {len(pending)} journal(s) pending; replaying run: {how}"
        )
        return Strike(outcome, fired and bool(pending), detail, (journaled,))


class FullDisk(Fault):
    """The data dir or the archive on a small tmpfs with (almost) no room left; afterwards the
    space is freed (contents copied back), as an operator would."""

    def strike(self, ctx: SoakContext) -> Strike:
        target = ctx.project.data_dir if self.variant == "data_dir" else ctx.project.archive
        target.mkdir(exist_ok=True)  # with PostgreSQL, data_dir exists once a journal was kept
        free = ctx.rng.choice(DISK_FREE_BYTES)
        holding = ctx.workdir / "full-disk-copy"
        shutil.rmtree(holding, ignore_errors=True)
        shutil.copytree(target, holding, symlinks=True)
        used = sum(p.stat().st_size for p in holding.rglob("*") if p.is_file())
        size_kib = used // 1024 + 4096  # room for the copy's pages, then filled
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(target)],
            capture_output=True,
            timeout=30,
            check=False,
        )
        if mounted.returncode != 0:
            raise MountRefusedError(mounted.stderr.decode(errors="replace").strip())
        # inside .git in the archive, where no run looks for untracked files
        filler = target / (".git/soak-filler" if target == ctx.project.archive else "soak-filler")
        try:
            shutil.copytree(holding, target, symlinks=True, dirs_exist_ok=True)
            fill_disk(filler, free)
            outcome = ctx.project.run()
            filler.unlink()
            shutil.rmtree(holding)
            shutil.copytree(target, holding, symlinks=True)
        finally:
            subprocess.run(["umount", str(target)], capture_output=True, timeout=30, check=False)
        for child in target.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        shutil.copytree(holding, target, symlinks=True, dirs_exist_ok=True)
        shutil.rmtree(holding)
        return Strike(outcome, True, f"{self.variant} full, {free} bytes free")


class StrayFile(Fault):
    def strike(self, ctx: SoakContext) -> Strike:
        path = ctx.project.archive / self.variant
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("left here by a person, not by confvault\n", encoding="utf-8")
        self.created = [path]
        return Strike(ctx.project.run(), True, f"untracked {self.variant}")


class DeletedIndex(Fault):
    def strike(self, ctx: SoakContext) -> Strike:
        (ctx.project.git_dir / "index").unlink()
        return Strike(ctx.project.run(), True, "rm .git/index")

    def repair(self, ctx: SoakContext) -> list[str]:
        if (ctx.project.git_dir / "index").exists():
            return []
        ctx.project.git("read-tree", "HEAD")
        ctx.project.git("update-index", "-q", "--refresh", check=False)
        return ["rebuilt .git/index from HEAD"]


class StaleLock(Fault):
    def strike(self, ctx: SoakContext) -> Strike:
        lock = ctx.project.git_dir / self.variant
        lock.parent.mkdir(parents=True, exist_ok=True)
        lock.write_bytes(b"")
        old = time.time() - STALE_LOCK_AGE_S
        os.utime(lock, (old, old))
        self.created = [lock]
        return Strike(ctx.project.run(), True, f"stale .git/{self.variant}")


def write_loose_blobs(git_dir: Path, count: int, rng: random.Random) -> list[Path]:
    """Unreachable loose blobs written the way git writes them (zlib of "blob N\\0data")."""
    written = []
    salt = rng.getrandbits(64)
    for number in range(count):
        data = f"soak filler {salt} {number}\n".encode()
        raw = b"blob %d\0" % len(data) + data
        sha = hashlib.sha1(raw, usedforsecurity=False).hexdigest()
        path = git_dir / "objects" / sha[:2] / sha[2:]
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(zlib.compress(raw))
        written.append(path)
    return written


def fill_disk(filler: Path, leave_free: int) -> None:
    """Write until the file system is full, then give back ``leave_free`` bytes."""
    with filler.open("wb", buffering=0) as out:
        for chunk in (b"\0" * (1024 * 1024), b"\0" * 4096):
            try:
                while True:
                    out.write(chunk)
            except OSError:
                pass
    os.truncate(filler, max(filler.stat().st_size - leave_free, 0))


def fault_catalogue(points: list[str], postgres: bool, mount_works: bool) -> list[Fault]:
    """One entry per kind and variant; the soak draws a kind, then one of its variants."""
    faults: list[Fault] = [KillAtRandom("kill-random"), KillDuringMaintenance("kill-maintenance")]
    faults += [KillAtPoint("kill-at-point", p) for p in points]
    faults += [KillGitChild("kill-git-child", c) for c in GIT_CHILDREN]
    faults += [StrayFile("stray-file", f) for f in STRAY_FILES]
    faults += [DeletedIndex("deleted-index"), *(StaleLock("stale-lock", x) for x in STALE_LOCKS)]
    if postgres:
        outage = OutageThenKill("pg-outage-then-kill", points=tuple(points))
        faults += [DatabaseRestart("pg-restart"), outage]
    if mount_works:
        faults += [FullDisk("full-disk", "data_dir"), FullDisk("full-disk", "archive")]
    return faults


def mount_works(scratch: Path) -> bool:
    scratch.mkdir(parents=True, exist_ok=True)
    probe = ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(scratch)]
    if subprocess.run(probe, capture_output=True, timeout=30, check=False).returncode != 0:
        return False
    subprocess.run(["umount", str(scratch)], capture_output=True, timeout=30, check=False)
    return True
