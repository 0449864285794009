"""Runs that died after their commit landed: the database learns the commit from the archive.

A run killed between its ``update-ref`` and its status rows leaves a commit carrying its
``Confvault-Run: N`` trailer and a run row the next run marks aborted, without commit id or
rows. The next run, holding the lock, finds those commits and writes what each one archived
(path -> device through the inventory; blob id and size from git) as the run's change rows, so
``last_change_at`` and the device histories tell the truth. Rows the killed run did write are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from confvault.config_repo import ConfigRepo
from confvault.config_repo.gitcmd import GitRunner
from confvault.config_repo.queries import RunCommit, run_commits
from confvault.config_repo.repo import RUN_TRAILER
from confvault.db.records import BackupRecord
from confvault.db.store import Store
from confvault.models import BackupStatus, Device

# A commit is made after its run started; the margin covers clock steps between the two.
CLOCK_MARGIN = timedelta(minutes=5)


def recover_committed_runs(
    store: Store, repo: ConfigRepo, archive_id: str, devices: Mapping[str, Device]
) -> list[int]:
    """Give each of this archive's aborted runs whose commit is in the archive its commit id and
    change rows; ``devices`` maps archive paths to the inventory's devices. -> run ids."""
    candidates = store.runs_to_recover(archive_id)
    if not candidates or repo.head() is None:
        return []
    since = min(run.started_at for run in candidates) - CLOCK_MARGIN
    commits = run_commits(
        GitRunner(repo.path),
        repo.branch_ref,
        trailer=RUN_TRAILER,
        since=since,
        run_ids={run.id for run in candidates},
    )
    for commit in commits:
        store.recover_run(
            commit.run_id,
            commit.commit_id,
            _change_rows(commit, devices),
            note=(
                "the process running it ended after its commit landed; "
                f"its changes were recovered from commit {commit.commit_id[:12]}"
            ),
        )
    return [commit.run_id for commit in commits]


def _change_rows(commit: RunCommit, devices: Mapping[str, Device]) -> list[BackupRecord]:
    """One ok, changed row per archived file of a device still in the inventory, dated when
    the commit was made (the collection times died with the process)."""
    return [
        BackupRecord(
            device=devices[change.path].name,
            status=BackupStatus.OK,
            started_at=commit.committed_at,
            ended_at=commit.committed_at,
            bytes=change.size,
            blob_id=change.blob_id,
            changed=True,
            commit_id=commit.commit_id,
        )
        for change in commit.files
        if change.path in devices
    ]
