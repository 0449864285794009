"""Start-of-run repair: stale locks, an interrupted commit, and a refusal to touch people's edits.

What counts as ours: files named in the crash journal whose content is one that confvault itself
wrote or was about to write (the old, new or current commit's blob). Anything else that differs
from HEAD was made by a person and is never overwritten.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

from confvault.config_repo.gitcmd import GitRunner, blob_id
from confvault.config_repo.journal import Journal, read_journal, remove_journal
from confvault.config_repo.queries import tree_blobs
from confvault.config_repo.worktree import read_blobs, refresh_index, write_files
from confvault.errors import RepoError

# A git command holds index.lock for milliseconds; a person's `git commit` waiting in an editor
# holds it for minutes. Older than this, and with no git process running in the archive, it is
# left over from a killed process.
STALE_LOCK_SECONDS = 120.0
_STATUS_WORDS = {"?": "untracked", "M": "modified", "D": "deleted", "A": "added", "T": "retyped"}


def prepare(
    runner: GitRunner, git_dir: Path, state_dir: Path, branch_ref: str, head: str | None
) -> None:
    journal = read_journal(state_dir / "journal.json")
    remove_stale_locks(runner.work_tree, git_dir, state_dir, branch_ref, journal)
    if journal is not None:
        finish_interrupted_commit(runner, journal, head, state_dir / "restore")
        remove_journal(state_dir / "journal.json")
    shutil.rmtree(state_dir / "stage", ignore_errors=True)
    shutil.rmtree(state_dir / "restore", ignore_errors=True)
    refuse_foreign_changes(runner)


def remove_stale_locks(
    work_tree: Path, git_dir: Path, state_dir: Path, branch_ref: str, journal: Journal | None
) -> None:
    """Delete lock files a killed git process left behind; refuse while one may be live."""
    crashed_run = journal is not None and not _pid_alive(journal.pid)
    # Our temporary index is used by nobody else, so its lock is always ours to clear.
    for ours in (state_dir / "index", state_dir / "index.lock"):
        ours.unlink(missing_ok=True)
    for lock in (git_dir / "index.lock", git_dir / f"{branch_ref}.lock", git_dir / "HEAD.lock"):
        try:
            age = time.time() - lock.stat().st_mtime
        except FileNotFoundError:
            continue
        relative = lock.relative_to(git_dir)
        if (crashed_run or age > STALE_LOCK_SECONDS) and not _git_running_in(work_tree):
            lock.unlink(missing_ok=True)
            continue
        raise RepoError(
            f"archive {work_tree} is locked by a running git command (.git/{relative}, "
            f"{age:.0f} s old); retry when it has finished"
        )


def finish_interrupted_commit(
    runner: GitRunner, journal: Journal, head: str | None, restore_dir: Path
) -> None:
    """Bring the journal's paths in the work tree and index to HEAD, wherever the kill struck."""
    if head is None:
        return  # the first commit never landed; nothing was written to the work tree
    wanted = set(journal.paths)
    targets = {p: b for p, b in tree_blobs(runner, head).items() if p in wanted}
    ours: dict[str, set[str]] = {p: set() for p in wanted}
    for commit in (journal.old_commit, journal.new_commit):
        if commit is not None and _commit_exists(runner, commit):
            for path, blob in tree_blobs(runner, commit).items():
                if path in wanted:
                    ours[path].add(blob)
    restore: dict[str, str | None] = {}
    settled: list[str] = []
    foreign: list[str] = []
    for path in journal.paths:
        current = _work_tree_blob(runner.work_tree / path)
        target = targets.get(path)
        if current == target:
            settled.append(path)
        elif current is None or current in ours[path]:
            restore[path] = target
        else:  # a person edited it after the crash: keep the file, report it below
            foreign.append(path)
    contents = read_blobs(runner, [b for b in restore.values() if b is not None])
    write_files(
        runner.work_tree,
        restore_dir,
        {p: (contents[b] if b is not None else None) for p, b in restore.items()},
    )
    refresh_index(runner, [*settled, *restore])
    # The index still holds the old blob for a person's file; point it at HEAD so `git status`
    # shows their edit against the committed version, not a stale staged change.
    entries = b"".join(f"100644 {targets[p]}\t{p}\0".encode() for p in foreign if p in targets)
    if entries:
        runner.run("update-index", "-z", "--index-info", stdin=entries)


def refuse_foreign_changes(runner: GitRunner) -> None:
    """RepoError naming up to 5 paths when the work tree or index differs from HEAD."""
    out = runner.run(
        "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames",
        "--ignore-submodules",
    )  # fmt: skip
    entries = [e.decode("utf-8", errors="replace") for e in out.split(b"\0") if e]
    if not entries:
        return
    described = []
    for entry in entries[:5]:
        code, path = entry[:2], entry[3:]
        letter = code[1] if code[1] != " " else code[0]
        described.append(f"{path} ({_STATUS_WORDS.get(letter, 'changed')})")
    more = f" and {len(entries) - 5} more" if len(entries) > 5 else ""
    raise RepoError(
        f"archive {runner.work_tree} has uncommitted changes not made by confvault: "
        f"{', '.join(described)}{more}; commit or discard them with git first"
    )


def _work_tree_blob(path: Path) -> str | None:
    try:
        return blob_id(path.read_bytes())
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _commit_exists(runner: GitRunner, commit: str) -> bool:
    status, _, _ = runner.run_status("cat-file", "-e", f"{commit}^{{commit}}")
    return status == 0


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own earlier incarnation cannot still be running as us
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _git_running_in(work_tree: Path) -> bool:
    """Whether a live git process works in this archive (Linux /proc; False elsewhere)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return False
    root = work_tree.resolve()
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if (entry / "comm").read_text().strip() != "git":
                continue
            cwd = (entry / "cwd").resolve()
            if cwd == root or root in cwd.parents:
                return True
    return False
