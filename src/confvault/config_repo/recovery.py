"""Start-of-run repair: stale locks, a lost index, an interrupted commit; people's edits found.

What counts as ours: files named in the crash journal whose content is one that confvault itself
wrote or was about to write (the old, new or current commit's blob). Anything else that differs
from HEAD was made by a person and is never overwritten: :func:`uncommitted_changes` names those
files, so the run holds back just the devices they belong to. Other files (a README, CI config,
an editor's swap file) are not confvault's and never stop a run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from confvault.config_repo.gitcmd import GitRunner, blob_id
from confvault.config_repo.journal import Journal, read_journal, remove_journal
from confvault.config_repo.locks import remove_stale_locks
from confvault.config_repo.queries import tree_blobs
from confvault.config_repo.worktree import read_blobs, refresh_index, write_files

_STATUS_WORDS = {"?": "untracked", "M": "modified", "D": "deleted", "A": "added", "T": "retyped"}
# A name no device file can have (device paths end in .cfg): asking the index about it reads the
# whole index without listing anything.
_INDEX_PROBE = ".confvault-index-probe"


def prepare(runner: GitRunner, git_dir: Path, state_dir: Path, head: str | None) -> dict[str, str]:
    """Repair what a killed run or git left; return path -> kind of every uncommitted change."""
    journal = read_journal(state_dir / "journal.json")
    remove_stale_locks(runner.work_tree, git_dir)
    rebuild_lost_index(runner, git_dir, head)
    if journal is not None:
        finish_interrupted_commit(runner, journal, head, state_dir / "restore")
        remove_journal(state_dir / "journal.json")
    shutil.rmtree(state_dir / "stage", ignore_errors=True)
    shutil.rmtree(state_dir / "restore", ignore_errors=True)
    return uncommitted_changes(runner)


def rebuild_lost_index(runner: GitRunner, git_dir: Path, head: str | None) -> None:
    """A missing or unreadable index is read again from HEAD, the work tree left as it is.

    Without it git compares the work tree with an empty index: every file "deleted" and
    "untracked" at once, and committing that would delete the whole archive. ``read-tree HEAD``
    is ``git reset --mixed``: only what a person had staged is gone, and the index held nothing
    else that HEAD and the work tree do not.
    """
    if head is None:
        return  # nothing committed yet: an empty index is the right one
    index = git_dir / "index"
    if index.exists():
        status, _, _ = runner.run_status("ls-files", "-z", "--", _INDEX_PROBE)
        if status == 0:
            return
    runner.run("read-tree", head)


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


def uncommitted_changes(runner: GitRunner) -> dict[str, str]:
    """Path -> what a person did to it ("modified", "untracked", ...) for every file whose work
    tree or index differs from HEAD."""
    out = runner.run(
        "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames",
        "--ignore-submodules",
    )  # fmt: skip
    changes: dict[str, str] = {}
    for entry in (e.decode("utf-8", errors="surrogateescape") for e in out.split(b"\0") if e):
        code, path = entry[:2], entry[3:]
        letter = code[1] if code[1] != " " else code[0]
        changes[path] = _STATUS_WORDS.get(letter, "changed")
    return changes


def _work_tree_blob(path: Path) -> str | None:
    try:
        return blob_id(path.read_bytes())
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _commit_exists(runner: GitRunner, commit: str) -> bool:
    status, _, _ = runner.run_status("cat-file", "-e", f"{commit}^{{commit}}")
    return status == 0
