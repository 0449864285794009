"""Read-only questions asked of the archive: trees, file contents, history, diffs, dates.

Callers validate paths and revisions first; every path still goes after ``--``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from confvault.config_repo.gitcmd import GitRunner
from confvault.models import ArchivedChange

_FIELD = "\x1f"
_RECORD = "\x1e"


@dataclass(frozen=True, slots=True)
class CommitInfo:
    """One archive commit as shown by ``confvault history``."""

    commit_id: str
    authored_at: datetime  # timezone-aware
    summary: str  # the first line of the message
    run_id: int | None  # from the Confvault-Run trailer; None for commits made by people


@dataclass(frozen=True, slots=True)
class RunCommit:
    """A commit made by a confvault run, with what it archived (for recovering its status)."""

    commit_id: str
    run_id: int
    committed_at: datetime  # timezone-aware
    files: tuple[ArchivedChange, ...]  # added or modified paths, with their new blob and size


def run_commits(
    runner: GitRunner, branch_ref: str, *, trailer: str, since: datetime, run_ids: set[int]
) -> list[RunCommit]:
    """Commits on the branch's first-parent line since ``since`` whose run trailer names one of
    ``run_ids``, oldest first: one ``log``, then one ``diff-tree`` per match and one
    ``cat-file --batch-check`` for the sizes."""
    stamp = since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S +0000")
    fmt = f"%H{_FIELD}%cI{_FIELD}%(trailers:key={trailer},valueonly){_RECORD}"
    out = runner.run(
        "log", "--first-parent", f"--since={stamp}", f"--format={fmt}", branch_ref, "--"
    ).decode("utf-8", errors="replace")
    found: list[tuple[str, int, datetime, list[tuple[str, str]]]] = []
    for record in out.split(_RECORD):
        fields = record.strip("\n").split(_FIELD)
        if len(fields) != 3:
            continue
        commit_id, committed, run = fields
        run_text = run.strip().splitlines()[0] if run.strip() else ""
        if not run_text.isdigit() or int(run_text) not in run_ids:
            continue
        raw = runner.run("diff-tree", "-r", "-z", "--no-commit-id", "--no-renames", "--root",
                         commit_id)  # fmt: skip
        parts = raw.split(b"\0")
        changes = []
        for meta, path in zip(parts[0::2], parts[1::2], strict=False):
            _old_mode, new_mode, _old_sha, new_sha, kind = meta.decode().lstrip(":").split()
            if kind in ("A", "M", "T") and new_mode.startswith("100"):
                changes.append((path.decode("utf-8", errors="surrogateescape"), new_sha))
        found.append((commit_id, int(run_text), datetime.fromisoformat(committed), changes))
    blobs = sorted({sha for *_, changes in found for _path, sha in changes})
    sizes: dict[str, int] = {}
    if blobs:
        checked = runner.run("cat-file", "--batch-check", stdin="\n".join(blobs).encode() + b"\n")
        for line in checked.decode().splitlines():
            sha, _kind, size = line.split()
            sizes[sha] = int(size)
    return [
        RunCommit(
            commit_id,
            run_id,
            committed_at,
            tuple(ArchivedChange(path, sha, True, sizes[sha]) for path, sha in changes),
        )
        for commit_id, run_id, committed_at, changes in reversed(found)
    ]


def tree_blobs(runner: GitRunner, commit: str) -> dict[str, str]:
    """Path -> blob id of every file in a commit (one ``ls-tree -r`` call)."""
    out = runner.run("ls-tree", "-r", "-z", "--full-tree", commit)
    blobs: dict[str, str] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        _mode, kind, sha = meta.decode().split()
        if kind == "blob":
            blobs[path.decode("utf-8", errors="surrogateescape")] = sha
    return blobs


def read_text(runner: GitRunner, commit: str, path: str) -> str | None:
    """A file's text in a commit, or None when the commit does not hold it."""
    status, out, _ = runner.run_status("ls-tree", "-z", commit, "--", path)
    meta, _, _name = out.partition(b"\t")
    if status != 0 or not meta or meta.split()[1] != b"blob":
        return None
    data = runner.run("cat-file", "blob", meta.split()[2].decode())
    return data.decode("utf-8", errors="replace")


def history(
    runner: GitRunner, branch_ref: str, path: str, *, limit: int, trailer: str
) -> list[CommitInfo]:
    """Commits on the branch that changed the path, newest first (path-limited ``git log``)."""
    fmt = f"%H{_FIELD}%aI{_FIELD}%s{_FIELD}%(trailers:key={trailer},valueonly){_RECORD}"
    out = runner.run(
        "log", f"--max-count={max(limit, 0)}", f"--format={fmt}", branch_ref, "--", path
    ).decode("utf-8", errors="replace")
    commits = []
    for record in out.split(_RECORD):
        fields = record.strip("\n").split(_FIELD)
        if len(fields) != 4:
            continue
        commit_id, authored, summary, run = fields
        run_text = run.strip().splitlines()[0] if run.strip() else ""
        commits.append(
            CommitInfo(
                commit_id=commit_id,
                authored_at=datetime.fromisoformat(authored),
                summary=summary,
                run_id=int(run_text) if run_text.isdigit() else None,
            )
        )
    return commits


def commit_patch(runner: GitRunner, commit: str, path: str) -> str:
    """What one commit did to one path (a root commit shows the file's creation)."""
    out = runner.run(
        "diff-tree", "-p", "--root", "--no-commit-id", "--no-color", "--no-ext-diff",
        commit, "--", path,
    )  # fmt: skip
    return out.decode("utf-8", errors="replace")


def diff_commits(runner: GitRunner, commit_a: str, commit_b: str, path: str) -> str:
    out = runner.run(
        "diff", "--no-color", "--no-ext-diff", "--no-textconv", commit_a, commit_b, "--", path
    )
    return out.decode("utf-8", errors="replace")


def commit_at(runner: GitRunner, branch_ref: str, when: datetime) -> str | None:
    """The last commit on the branch's first-parent line made at or before ``when``."""
    # Naive datetimes are taken as local time, as a person typing a date would mean.
    stamp = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S +0000")
    out = runner.text("rev-list", "-1", "--first-parent", f"--until={stamp}", branch_ref)
    return out or None
