"""Read-only questions asked of the archive: trees, file contents, history, diffs, dates.

Callers validate paths and revisions first; every path still goes after ``--``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from confvault.config_repo.gitcmd import GitRunner

_FIELD = "\x1f"
_RECORD = "\x1e"


@dataclass(frozen=True, slots=True)
class CommitInfo:
    """One archive commit as shown by ``confvault history``."""

    commit_id: str
    authored_at: datetime  # timezone-aware
    summary: str  # the first line of the message
    run_id: int | None  # from the Confvault-Run trailer; None for commits made by people


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
