"""ConfigRepo: the Git archive, one file per device, at most one commit per run.

A commit never goes through the real index. The tree is built in a temporary index with plumbing,
the branch moves with one compare-and-swap ``update-ref``, and only then are the changed files
renamed into the work tree. A small journal in ``.git/confvault/`` lets :meth:`ConfigRepo.prepare`
finish that last step after a kill -9 at any point.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from confvault.config_repo import maintenance, queries, recovery
from confvault.config_repo.edits import hold_back
from confvault.config_repo.gitcmd import (
    ZERO_OID,
    GitError,
    GitRunner,
    check_archive_path,
    check_revision,
)
from confvault.config_repo.journal import Journal, remove_journal, write_journal
from confvault.config_repo.maintenance import Maintenance
from confvault.config_repo.queries import CommitInfo
from confvault.config_repo.staging import BlobStager
from confvault.config_repo.worktree import place_files, refresh_index
from confvault.crash_hook import CRASH_HOOK
from confvault.errors import RepoError
from confvault.models import ArchivedChange, CollectResult, CommitOutcome

RUN_TRAILER = "Confvault-Run"
DEFAULT_BRANCH = "main"


class ConfigRepo:
    """One ordinary (non-bare) Git repository holding ``<provider>/<device>.cfg`` files."""

    def __init__(self, path: Path, *, author_name: str, author_email: str) -> None:
        """Use :meth:`init` or :meth:`open`; they check the repository first."""
        self.path = path
        self._git = GitRunner(path)
        self._author_env = {
            "GIT_AUTHOR_NAME": author_name,
            "GIT_AUTHOR_EMAIL": author_email,
            "GIT_COMMITTER_NAME": author_name,
            "GIT_COMMITTER_EMAIL": author_email,
        }
        self.git_dir = Path(self._git.text("rev-parse", "--absolute-git-dir"))
        self.state_dir = self.git_dir / "confvault"
        self.journal_path = self.state_dir / "journal.json"
        self.branch_ref = self._current_branch()
        self._uncommitted: dict[str, str] = {}  # a person's changes, found by prepare()

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def init(cls, path: Path, *, author_name: str, author_email: str) -> ConfigRepo:
        """Create a new, empty archive repository on branch ``main``."""
        path = path.absolute()
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise RepoError(f"cannot create archive {path}: it exists and is not an empty folder")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RepoError(f"cannot create archive {path}: {error.strerror}") from None
        runner = GitRunner(path)
        runner.run("init", "-q", "-b", DEFAULT_BRANCH, str(path))
        settings = {
            "core.fsync": "committed",  # objects and refs reach the disk before git returns
            "core.autocrlf": "false",  # files are stored byte for byte as collected
            "commitGraph.readChangedPaths": "true",
        }
        for key, value in settings.items():
            runner.run("config", key, value)
        return cls(path, author_name=author_name, author_email=author_email)

    @classmethod
    def open(cls, path: Path, *, author_name: str, author_email: str) -> ConfigRepo:
        """Open an existing archive, for reading; RepoError when it is not one.

        Nothing is written here: show, history and diff work on a read-only archive (a mounted
        copy, a replica, a restored backup). A run calls :meth:`require_writable` first.
        """
        path = path.absolute()
        if path.exists() and not path.is_dir():
            raise RepoError(f"archive {path} is a file, not a folder")
        if not path.is_dir():
            raise RepoError(f"archive {path} does not exist (create it with 'confvault init')")
        runner = GitRunner(path)
        status, out, _ = runner.run_status("rev-parse", "--is-bare-repository")
        if status != 0:
            raise RepoError(f"archive {path} is not a git repository")
        if out.strip() == b"true":
            raise RepoError(f"archive {path} is a bare repository; confvault needs a work tree")
        status, out, _ = runner.run_status("rev-parse", "--show-toplevel")
        top = out.decode("utf-8", errors="replace").strip()
        if status != 0 or Path(top).resolve() != path.resolve():
            raise RepoError(f"archive {path} is not a git repository (it is inside {top})")
        return cls(path, author_name=author_name, author_email=author_email)

    def require_writable(self) -> None:
        """RepoError unless a run can write here (work tree, .git, objects)."""
        for place in (self.path, self.git_dir, self.git_dir / "objects"):
            if not os.access(place, os.W_OK):
                raise RepoError(f"archive {self.path} is not writable ({place})")

    def _current_branch(self) -> str:
        status, out, _ = self._git.run_status("symbolic-ref", "-q", "HEAD")
        ref = out.decode().strip()
        if status != 0 or not ref.startswith("refs/heads/"):
            raise RepoError(f"archive {self.path} has a detached HEAD; check out a branch")
        return ref

    # -- reading ---------------------------------------------------------------------------

    def head(self) -> str | None:
        """The commit the branch points to, or None in an empty repository."""
        status, out, _ = self._git.run_status(
            "rev-parse", "--verify", "-q", f"{self.branch_ref}^{{commit}}"
        )
        return out.decode().strip() if status == 0 else None

    def blob_ids(self) -> dict[str, str]:
        """Archive path -> blob id of every file at HEAD (one ``git ls-tree -r`` call)."""
        head = self.head()
        if head is None:
            return {}
        return queries.tree_blobs(self._git, head)

    def read(self, path: str, rev: str = "HEAD") -> str | None:
        """A file's text at a revision, or None when the file is not there."""
        check_archive_path(path)
        commit = self.resolve(rev)
        return queries.read_text(self._git, commit, path) if commit else None

    def resolve(self, rev: str) -> str | None:
        """Commit id of a user-given revision, or None when it does not exist."""
        check_revision(rev)
        status, out, _ = self._git.run_status(
            "rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}"
        )
        return out.decode().strip() if status == 0 else None

    def history(self, path: str, *, limit: int = 20) -> list[CommitInfo]:
        """Commits that changed this path, newest first."""
        check_archive_path(path)
        if self.head() is None:
            return []
        return queries.history(self._git, self.branch_ref, path, limit=limit, trailer=RUN_TRAILER)

    def diff(self, path: str, rev_a: str | None = None, rev_b: str | None = None) -> str:
        """Unified diff: no revs = the path's last change; one rev = rev..HEAD; two = a..b."""
        check_archive_path(path)
        if rev_a is None and rev_b is not None:
            rev_a, rev_b = rev_b, None
        if rev_a is None:
            last = self.history(path, limit=1)
            if not last:
                raise RepoError(f"device file {path} has no history in archive {self.path}")
            return queries.commit_patch(self._git, last[0].commit_id, path)
        commit_a = self._require(rev_a, path)
        commit_b = self._require(rev_b or "HEAD", path)
        return queries.diff_commits(self._git, commit_a, commit_b, path)

    def show(self, path: str, *, rev: str | None = None, at: datetime | None = None) -> str:
        """A device file's content at a revision or as of a date (last commit at or before it)."""
        check_archive_path(path)
        if at is not None:
            commit = queries.commit_at(self._git, self.branch_ref, at) if self.head() else None
            where = f"as of {at.isoformat()}"
            if commit is None:
                raise RepoError(f"device file {path} does not exist in the archive {where}")
        else:
            rev = "HEAD" if rev is None else rev
            commit = self._require(rev, path)
            where = f"at revision {rev}"
        text = queries.read_text(self._git, commit, path)
        if text is None:
            raise RepoError(f"device file {path} does not exist in the archive {where}")
        return text

    def _require(self, rev: str, path: str) -> str:
        commit = self.resolve(rev)
        if commit is None:
            raise RepoError(f"revision {rev!r} does not exist in archive {self.path} (for {path})")
        return commit

    # -- writing ---------------------------------------------------------------------------

    def prepare(self) -> None:
        """Make the archive safe to commit to; call at the start of every run, holding the run
        lock (so every git lock file in the archive not owned by a person's live git is stale).

        Removes stale locks, reads a lost index again from HEAD, finishes a commit a killed run
        left half done, and notes the files a person changed (see :meth:`hold_edited`).
        """
        self.require_writable()
        try:
            self._uncommitted = recovery.prepare(
                self._git, self.git_dir, self.state_dir, self.head()
            )
        except OSError as error:
            raise RepoError(
                f"cannot repair archive {self.path}: {error.strerror} ({error.filename})"
            ) from None

    @property
    def uncommitted(self) -> Mapping[str, str]:
        """Path -> kind ("modified", "deleted", "untracked", ...) of a person's uncommitted
        changes, as :meth:`prepare` found them."""
        return MappingProxyType(self._uncommitted)

    def hold_edited(self, result: CollectResult, path: str) -> CollectResult:
        """The result, or a SUSPECT failure when a person changed this device's file and did not
        commit it: their change wins and only this device waits."""
        kind = self._uncommitted.get(path)
        if kind is None or not result.ok:
            return result
        return hold_back(result, self.path, path, kind)

    def stager(self) -> BlobStager:
        """Start staging a run's files (see ``staging.py``); :meth:`commit_staged` commits them."""
        head = self.head()
        previous = queries.tree_blobs(self._git, head) if head else {}
        return BlobStager(self._git, self.state_dir / "stage", previous)

    def commit_run(
        self,
        files: Mapping[str, str],
        *,
        run_id: int,
        summary: str = "",
        committed_at: datetime | None = None,
    ) -> CommitOutcome:
        """Stage ``files`` (archive path -> text) and commit them: :meth:`commit_staged` in one."""
        stager = self.stager()
        for path, text in files.items():
            stager.add(path, text)
        return self.commit_staged(stager, run_id=run_id, summary=summary, committed_at=committed_at)

    def commit_staged(
        self,
        stager: BlobStager,
        *,
        run_id: int,
        summary: str = "",
        committed_at: datetime | None = None,
    ) -> CommitOutcome:
        """Archive one run's staged texts: at most one commit, none when nothing changed.

        Paths not staged are never touched (a failed device keeps its file, a device that left
        the inventory is never deleted), nor are files a person changed (left out, with a
        warning). The outcome has one entry per committed or unchanged path.
        ``committed_at`` is for building history.
        """
        started = time.perf_counter()
        try:
            stager.finish()
        except OSError as error:
            raise RepoError(
                f"cannot write archive {self.path}: {error.strerror} ({error.filename})"
            ) from None
        warnings = tuple(
            f"{p} left out of the commit: {self._uncommitted[p]} by a person, not committed"
            for p in stager.files
            if p in self._uncommitted
        )
        entries = {p: e for p, e in stager.files.items() if p not in self._uncommitted}
        previous = stager.previous
        changed = [p for p, entry in entries.items() if previous.get(p) != entry.blob_id]
        changed_set = set(changed)
        outcome_files = tuple(
            ArchivedChange(path=p, blob_id=entry.blob_id, changed=p in changed_set, size=entry.size)
            for p, entry in entries.items()
        )
        if not changed:
            return CommitOutcome(None, outcome_files, time.perf_counter() - started, warnings)

        old_commit = self.head()
        new_paths = [p for p in changed if p not in previous]
        message = commit_message(run_id, changed, new_paths, summary)
        moves = [(p, temp) for p in changed if (temp := entries[p].temp) is not None]
        try:
            CRASH_HOOK.point("after-blobs")
            new_commit = self._commit_tree(
                old_commit, {p: entries[p].blob_id for p in changed}, message, committed_at
            )
            self._move_branch(old_commit, new_commit, changed, run_id)
            CRASH_HOOK.point("after-update-ref")
            place_files(self.path, moves[: len(moves) // 2])
            CRASH_HOOK.point("mid-work-tree")
            place_files(self.path, moves[len(moves) // 2 :])
            refresh_index(self._git, changed)
        except OSError as error:
            raise RepoError(
                f"cannot write archive {self.path}: {error.strerror} ({error.filename})"
            ) from None
        CRASH_HOOK.point("after-index")
        remove_journal(self.journal_path)
        return CommitOutcome(new_commit, outcome_files, time.perf_counter() - started, warnings)

    def optimise(self, outcome: CommitOutcome, running: Maintenance | None) -> CommitOutcome:
        """After the commit: wait for the repack and refresh the commit-graph. A failure is a
        warning on the outcome, never an error: the configurations are committed already."""
        warnings = maintenance.finish(
            self._git, self.state_dir, running, graph_due=outcome.commit_id is not None
        )
        return replace(outcome, warnings=outcome.warnings + warnings) if warnings else outcome

    def _move_branch(
        self, old_commit: str | None, new_commit: str, changed: list[str], run_id: int
    ) -> None:
        """The commit point: one compare-and-swap of the branch, journaled beforehand."""
        journal = Journal(old_commit, new_commit, tuple(changed), os.getpid())
        write_journal(self.journal_path, journal)
        CRASH_HOOK.point("before-update-ref")
        try:
            self._git.run(
                "update-ref", "-m", f"confvault run {run_id}", "--",
                self.branch_ref, new_commit, old_commit or ZERO_OID,
            )  # fmt: skip
        except GitError:
            remove_journal(self.journal_path)
            raise RepoError(
                f"archive {self.path}: {self.branch_ref} moved while confvault was committing "
                "(someone else committed?); nothing was committed, run again"
            ) from None

    def _commit_tree(
        self,
        parent: str | None,
        blobs: Mapping[str, str],
        message: str,
        committed_at: datetime | None,
    ) -> str:
        """Build the new tree in a temporary index (never the real one) and commit it."""
        index_file = self.state_dir / "index"
        for leftover in (index_file, index_file.with_name("index.lock")):
            leftover.unlink(missing_ok=True)
        env = {"GIT_INDEX_FILE": str(index_file), **self._author_env}
        if committed_at is not None:
            stamp = f"@{int(committed_at.timestamp())} +0000"
            env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        if parent is None:
            self._git.run("read-tree", "--empty", env=env)
        else:
            self._git.run("read-tree", parent, env=env)
        entries = b"".join(f"100644 {sha}\t{path}\0".encode() for path, sha in blobs.items())
        self._git.run("update-index", "-z", "--index-info", stdin=entries, env=env)
        tree = self._git.text("write-tree", env=env)
        parent_args = ("-p", parent) if parent else ()
        commit = self._git.text(
            "commit-tree", tree, *parent_args, "-F", "-", env=env, stdin=message
        )
        index_file.unlink(missing_ok=True)
        return commit

    def start_maintenance(
        self, *, loose_limit: int = 6700, pack_limit: int = 50
    ) -> Maintenance | None:
        """Start packing in a git child if due (see ``maintenance.start_repack``); a run starts
        it before collecting, so git packs on the other core while devices answer."""
        if self.head() is None:
            return None
        return maintenance.start_repack(self._git, loose_limit=loose_limit, pack_limit=pack_limit)

    def maintain(self, *, loose_limit: int = 6700, pack_limit: int = 50) -> None:
        """Pack now if due (see :meth:`start_maintenance`), then refresh the commit-graph."""
        running = self.start_maintenance(loose_limit=loose_limit, pack_limit=pack_limit)
        if running is not None:
            running.wait()
        self.write_commit_graph()

    def write_commit_graph(self) -> None:
        """Keep path-limited ``git log`` fast: incremental commit-graph with Bloom filters."""
        if self.head() is not None:
            maintenance.write_commit_graph(self._git)


def commit_message(run_id: int, changed: list[str], new: list[str], summary: str) -> str:
    """First line counts, body lists the paths, trailer carries the run id."""
    new_set = set(new)
    modified = [p for p in changed if p not in new_set]
    lines = [f"confvault run {run_id}: {len(modified)} changed, {len(new)} new", ""]
    for title, paths in (("changed:", modified), ("new:", new)):
        if paths:
            lines += [title, *(f"  {p}" for p in sorted(paths)), ""]
    if summary.strip():
        lines += [summary.strip(), ""]
    lines.append(f"{RUN_TRAILER}: {run_id}")
    return "\n".join(lines) + "\n"
