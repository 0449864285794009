"""Every lock or temp file a killed git child leaves is cleared; optimisation failures only warn."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

from confvault.config_repo import ConfigRepo, Maintenance
from confvault.config_repo.gitcmd import GitRunner
from confvault.config_repo.locks import RUN_LOCK_NAME
from confvault.errors import RepoError
from confvault.service.lock import LOCK_NAME

GitFn = Callable[..., str]
FilesFn = Callable[..., dict[str, str]]

GRAPHS = "objects/info/commit-graphs"
# What each git child confvault runs leaves behind when killed (the names git itself uses).
LEFTOVERS = [
    "index.lock",  # update-index, status
    "HEAD.lock",
    "config.lock",
    "packed-refs.lock",
    "refs/heads/main.lock",  # update-ref
    f"{GRAPHS}/commit-graph-chain.lock",  # commit-graph write --split
    f"{GRAPHS}/tmp_graph_a1B2c3",
    "objects/info/commit-graph.lock",
    "objects/info/packs.lock",  # repack's update-server-info
    "objects/pack/.tmp-4242-pack-0123abcd.pack",  # repack
    "objects/pack/tmp_pack_Xy12ab",  # pack-objects, index-pack
    "objects/pack/tmp_idx_Xy12ab",
    "objects/pack/multi-pack-index.lock",
    "objects/maintenance.lock",
    "gc.pid",
    "confvault/index",  # confvault's own temporary commit index
    "confvault/index.lock",
    "confvault/journal.tmp",
]


def test_the_run_lock_name_is_the_services() -> None:
    assert RUN_LOCK_NAME == LOCK_NAME


@pytest.mark.parametrize("leftover", LEFTOVERS)
def test_a_fresh_leftover_of_a_killed_git_is_cleared_under_the_run_lock(
    archive: ConfigRepo, device_files: FilesFn, git: GitFn, leftover: str
) -> None:
    archive.commit_run(device_files(2), run_id=1)
    archive.write_commit_graph()
    path = archive.git_dir / leftover
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("")  # just now: no age to go by
    run_lock = archive.git_dir / RUN_LOCK_NAME
    run_lock.write_text("pid 1 on here since now\n")

    archive.prepare()

    assert not path.exists()
    assert run_lock.exists()
    outcome = archive.optimise(archive.commit_run(device_files(2, tag="v2"), run_id=2), None)
    assert outcome.commit_id is not None
    assert outcome.warnings == ()
    git(archive.path, "commit-graph", "verify")
    git(archive.path, "repack", "-a", "-d", "-q")  # git's own lockers work again too


def test_a_failed_commit_graph_warns_keeps_the_commit_and_is_retried(
    archive: ConfigRepo, device_files: FilesFn, git: GitFn
) -> None:
    archive.commit_run(device_files(2), run_id=1)
    archive.write_commit_graph()
    lock = archive.git_dir / GRAPHS / "commit-graph-chain.lock"
    lock.write_text("")  # after prepare: taken by a git that was killed during this run

    outcome = archive.optimise(archive.commit_run(device_files(2, tag="v2"), run_id=2), None)

    assert outcome.commit_id is not None
    assert outcome.commit_id == archive.head()
    assert len(outcome.warnings) == 1
    assert outcome.warnings[0].startswith("commit-graph not written (git commit-graph failed")
    assert outcome.warnings[0].endswith("the next run writes it again")

    archive.prepare()
    retried = archive.optimise(archive.commit_run(device_files(2, tag="v2"), run_id=3), None)

    assert retried.commit_id is None  # nothing changed, and still the graph is brought up to date
    assert retried.warnings == ()
    chain = (archive.git_dir / GRAPHS / "commit-graph-chain").read_text().split()
    graphs = [archive.git_dir / GRAPHS / f"graph-{layer}.graph" for layer in chain]
    assert all(g.exists() for g in graphs)
    assert git(archive.path, "commit-graph", "verify") == ""
    assert git(archive.path, "rev-list", "--count", "HEAD").strip() == "2"


def test_a_failed_repack_is_a_warning_not_an_error(
    archive: ConfigRepo, device_files: FilesFn
) -> None:
    runner = GitRunner(archive.path)
    failing = Maintenance(runner, runner.start("repack", "--no-such-option", feed=False))

    outcome = archive.optimise(archive.commit_run(device_files(2), run_id=1), failing)

    assert outcome.commit_id is not None
    assert len(outcome.warnings) == 1
    assert outcome.warnings[0].startswith(f"git repack failed in {archive.path} (exit 129)")
    assert outcome.warnings[0].endswith("the archive is complete, the next run packs again")


def test_a_git_a_person_runs_in_the_archive_keeps_its_locks(archive: ConfigRepo) -> None:
    lock = archive.git_dir / GRAPHS / "commit-graph-chain.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text("")
    # a shell in between: the person's git is no child of this process
    person = subprocess.Popen(
        ["sh", "-c", "git cat-file --batch; true"],
        cwd=archive.path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert person.stdin is not None
    assert person.stdout is not None
    person.stdin.write(b"HEAD\n")
    person.stdin.flush()
    assert person.stdout.readline() == b"HEAD missing\n"  # their git is up and working
    try:
        with pytest.raises(RepoError, match=r"running git command \(\.git/objects/info/commit-gr"):
            archive.prepare()
        assert lock.exists()
    finally:
        person.communicate(b"")
