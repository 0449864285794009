"""The run's optimisation steps: a repack in a git child during collection, then the commit-graph.

Neither is needed for a correct archive, so neither may keep a run's configurations or status
out: a failure becomes a warning on the run's :class:`CommitOutcome` and the next run tries again
(a repack is due again by count; a failed commit-graph leaves a marker in ``.git/confvault``).
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

from confvault.config_repo.gitcmd import GitError, GitRunner

GRAPH_DUE_MARKER = "commit-graph-due"


class Maintenance:
    """A repack running in a git child (or the reason it could not start); :meth:`wait` before
    relying on its result."""

    def __init__(
        self, runner: GitRunner, process: subprocess.Popen[bytes] | None, error: str = ""
    ) -> None:
        self._runner = runner
        self._process = process
        self._error = error

    def wait(self) -> None:
        """Raise :class:`GitError` if the repack failed."""
        if self._process is not None:
            _out, said = self._process.communicate()
            status = self._process.returncode
            self._process = None
            if status != 0:
                text = said.decode("utf-8", errors="replace")
                first = next((line for line in text.splitlines() if line.strip()), "no message")
                where = self._runner.work_tree
                self._error = f"git repack failed in {where} (exit {status}): {first}"
        if self._error:
            raise GitError(self._error)


def start_repack(runner: GitRunner, *, loose_limit: int, pack_limit: int) -> Maintenance | None:
    """A repack in a git child if due: loose objects past ``loose_limit`` go into one new pack,
    packs past ``pack_limit`` are merged (git's own gc.auto defaults).

    Plumbing commits never trigger git's automatic gc, so without this every run would leave
    about one loose object per changed device forever. Counted exactly (git's gc --auto only
    samples one object folder). Started before collecting, the repack (long after a large first
    import: bench/README.md) runs while devices answer; it packs only objects reachable from
    refs, never the blobs this run is staging, and a commit made while it runs is safe (git's own
    gc runs beside writers the same way).
    """
    try:
        counts = dict(
            line.split(": ", 1)
            for line in runner.text("count-objects", "-v").splitlines()
            if ": " in line
        )
        if int(counts.get("packs", "0")) > pack_limit:
            return Maintenance(runner, runner.start("repack", "-a", "-d", "-q", feed=False))
        if int(counts.get("count", "0")) > loose_limit:
            return Maintenance(runner, runner.start("repack", "-d", "-q", feed=False))
    except (GitError, OSError) as error:
        return Maintenance(runner, None, f"cannot start a repack: {error}")
    return None


def write_commit_graph(runner: GitRunner) -> None:
    """Keep path-limited ``git log`` fast: incremental commit-graph with Bloom filters."""
    runner.run(
        "commit-graph", "write", "--reachable", "--changed-paths", "--split", "--no-progress"
    )


def finish(
    runner: GitRunner, state_dir: Path, maintenance: Maintenance | None, *, graph_due: bool
) -> tuple[str, ...]:
    """Wait for the repack, then write the commit-graph if due; the warnings, if any failed."""
    warnings: list[str] = []
    if maintenance is not None:
        try:
            maintenance.wait()
        except GitError as error:
            warnings.append(f"{error}; the archive is complete, the next run packs again")
    marker = state_dir / GRAPH_DUE_MARKER
    if graph_due or marker.exists():
        try:
            write_commit_graph(runner)
            marker.unlink(missing_ok=True)
        except (GitError, OSError) as error:
            warnings.append(
                f"commit-graph not written ({error}); history stays correct, "
                "the next run writes it again"
            )
            with contextlib.suppress(OSError):  # then the next commit writes it anyway
                marker.touch()
    return tuple(warnings)
