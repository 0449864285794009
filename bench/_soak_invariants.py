"""The invariants checked after every soak cycle, read straight from Git and the database tables
(not through confvault's own queries, which could share a bug with what they check).

Each check returns ``(check, detail)`` pairs, one per thing found wrong; none means it holds.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

from _soak_project import RunOutcome, SoakProject
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError

TRAILER = "Confvault-Run"
RUN_LOCK = "confvault-run.lock"
Finding = tuple[str, str]


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def check_fsck(project: SoakProject) -> list[Finding]:
    done = project.git("fsck", "--no-dangling", "--no-progress", check=False)
    said = (done.stdout + done.stderr).strip()
    if done.returncode != 0 or any(w in said for w in ("error", "missing", "broken", "corrupt")):
        return [("git-fsck", f"exit {done.returncode}: {' | '.join(said.splitlines()[:3])}")]
    return []


def check_head(project: SoakProject) -> list[Finding]:
    ref = project.git("symbolic-ref", "-q", "HEAD", check=False).stdout.strip()
    if not ref.startswith("refs/heads/"):
        return [("head-on-branch", f"HEAD is not a branch ({ref or 'detached'})")]
    if project.git("rev-parse", "--verify", "-q", ref, check=False).returncode != 0:
        return [("head-on-branch", f"{ref} does not resolve")]
    return []


def archive_commits(project: SoakProject) -> dict[str, int | None]:
    """Commit id -> its Confvault-Run number (None for commits without the trailer)."""
    log = project.git(
        "log", f"--format=%H %(trailers:key={TRAILER},valueonly,separator=%x2C)", "HEAD"
    ).stdout
    commits: dict[str, int | None] = {}
    for line in log.splitlines():
        sha, _, value = line.partition(" ")
        commits[sha] = int(value.split(",")[0]) if value.strip() else None
    return commits


def head_tree(project: SoakProject) -> dict[str, str]:
    listing = project.git("ls-tree", "-r", "-z", "HEAD").stdout
    tree = {}
    for entry in listing.split("\0"):
        if entry:
            meta, _, path = entry.partition("\t")
            tree[path] = meta.split()[2]
    return tree


def lock_is_free(git_dir: Path) -> bool:
    path = git_dir / RUN_LOCK
    if not path.exists():
        return True
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops the lock if we took it
    return True


def check_database(project: SoakProject) -> list[Finding]:
    findings: list[Finding] = []
    commits = archive_commits(project)
    tree = head_tree(project)
    url = make_url(project.database_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg2")  # the driver confvault installs
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            runs = conn.execute(text("SELECT id, status, commit_id FROM runs")).all()
            devices = conn.execute(
                text("SELECT id, name, provider FROM devices WHERE active")
            ).all()
            latest_ok = conn.execute(
                text(
                    "SELECT device_id, blob_id, run_id FROM ("
                    " SELECT device_id, blob_id, run_id, ROW_NUMBER() OVER ("
                    "  PARTITION BY device_id ORDER BY backup_date DESC, id DESC) AS n"
                    " FROM backups WHERE status = 'ok') AS ranked WHERE n = 1"
                )
            ).all()
            duplicates = conn.execute(
                text(
                    "SELECT run_id, device_id, COUNT(*) FROM backups"
                    " GROUP BY run_id, device_id HAVING COUNT(*) > 1"
                )
            ).all()
    finally:
        engine.dispose()

    status_of = {run_id: status for run_id, status, _ in runs}
    for sha, run_number in commits.items():
        if run_number is None:
            continue
        referencing = sorted(run_id for run_id, _, commit in runs if commit == sha)
        if referencing != [run_number]:
            findings.append(
                (
                    "commit-has-one-run",
                    f"commit {sha[:10]} (Confvault-Run: {run_number}) is the commit_id of runs "
                    f"{referencing or 'none'}; run {run_number} is "
                    f"{status_of.get(run_number, 'missing')}",
                )
            )
    for run_id, status, commit in runs:
        if commit is not None and commit not in commits:
            findings.append(
                ("run-commit-in-archive", f"run {run_id} ({status}) names commit {commit[:10]}")
            )

    names = {device_id: (name, provider) for device_id, name, provider in devices}
    latest = {device_id: (blob, run_id) for device_id, blob, run_id in latest_ok}
    for device_id, (name, provider) in sorted(names.items(), key=lambda x: x[1]):
        path = f"{provider}/{name}.cfg"
        row_blob, row_run = latest.get(device_id, (None, None))
        archived = tree.get(path)
        try:
            on_disk: str | None = git_blob_id((project.archive / path).read_bytes())
        except FileNotFoundError:
            on_disk = None
        if row_blob is None or row_blob != archived or on_disk != archived:
            findings.append(
                (
                    "archive-matches-latest-ok",
                    f"{name}: HEAD blob {str(archived)[:10]}, work tree {str(on_disk)[:10]}, "
                    f"latest ok row (run {row_run}) blob {str(row_blob)[:10]}",
                )
            )
    for run_id, device_id, count in duplicates:
        device = names.get(device_id, (f"device id {device_id}", ""))[0]
        findings.append(("no-duplicate-rows", f"run {run_id} has {count} rows for {device}"))
    running = [run_id for run_id, status, _ in runs if status == "running"]
    if running and lock_is_free(project.git_dir):
        findings.append(("no-orphan-running", f"runs {running} are 'running', the lock is free"))
    return findings


def check_last_run(last: RunOutcome) -> list[Finding]:
    if last.timed_out:
        return [("clean-run-exit", f"timed out after {last.wall_s:.0f} s")]
    if last.traceback:
        return [("clean-run-exit", f"traceback, exit {last.returncode}: {last.last_error_line()}")]
    if last.returncode not in (0, 1):
        return [("clean-run-exit", f"exit {last.returncode}: {last.last_error_line()}")]
    return []


def check_no_traceback(outcome: RunOutcome) -> list[Finding]:
    """Any run that was not killed ends in one line on stderr, whatever went wrong."""
    if outcome.traceback and not outcome.died:
        return [("no-traceback", f"exit {outcome.returncode}: {outcome.last_error_line()}")]
    return []


def check_journal_replayed(project: SoakProject) -> list[Finding]:
    """With the database up again, a clean run must have written every row kept for it."""
    left = sorted(p.name for p in project.data_dir.glob("pending-status-run-*.json"))
    return [("journal-replayed", f"still pending: {', '.join(left)}")] if left else []


def check_all(project: SoakProject, last: RunOutcome) -> list[Finding]:
    findings = check_fsck(project) + check_head(project)
    if not findings:
        try:
            findings += check_database(project)
        except SQLAlchemyError as error:
            findings.append(("database-readable", str(error).splitlines()[0][:300]))
    return findings + check_last_run(last) + check_journal_replayed(project)
