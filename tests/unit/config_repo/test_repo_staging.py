"""The stager: a run's new configurations reach Git's object store while devices are collected,
and the commit at the end holds exactly what was staged (the same one commit_run would make)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from confvault.config_repo import ConfigRepo
from confvault.errors import RepoError

GitFn = Callable[..., str]
FilesFn = Callable[..., dict[str, str]]


def stored(repo: Path, blob: str) -> bool:
    probe = ["git", "-C", str(repo), "cat-file", "-e", blob]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def test_blobs_are_stored_before_the_run_ends(
    archive: ConfigRepo, git: GitFn, device_files: FilesFn
) -> None:
    archive.commit_run(device_files(4), run_id=1)
    stager = archive.stager()
    later = device_files(4, tag="v2")
    staged = [stager.add(path, text) for path, text in later.items()]
    stager.finish()  # what commit_staged waits for; the objects are there without any commit
    assert all(stored(archive.path, s.blob_id) for s in staged)
    assert git(archive.path, "rev-list", "--count", "HEAD").strip() == "1"

    outcome = archive.commit_staged(stager, run_id=2)
    assert len(outcome.changed) == 4
    assert git(archive.path, "status", "--porcelain", "--untracked-files=all") == ""
    for path, text in later.items():
        assert (archive.path / path).read_text() == text


def test_unchanged_files_are_not_written_again(archive: ConfigRepo, device_files: FilesFn) -> None:
    archive.commit_run(device_files(3), run_id=1)
    stager = archive.stager()
    entries = [stager.add(path, text) for path, text in device_files(3).items()]
    assert [e.temp for e in entries] == [None, None, None]
    assert archive.commit_staged(stager, run_id=2).commit_id is None


def test_a_staged_file_held_back_later_is_not_committed(
    archive: ConfigRepo, git: GitFn, device_files: FilesFn
) -> None:
    first = device_files(2)
    archive.commit_run(first, run_id=1)
    stager = archive.stager()
    second = device_files(2, tag="v2")
    for path, text in second.items():
        stager.add(path, text)
    held_back, kept = sorted(second)
    stager.discard(held_back)  # e.g. a SUSPECT shrink
    outcome = archive.commit_staged(stager, run_id=2)

    assert [change.path for change in outcome.files] == [kept]

    assert (archive.path / held_back).read_text() == first[held_back]
    assert git(archive.path, "show", "--format=", "--name-only", "HEAD").split() == [kept]


def test_git_unable_to_store_objects_fails_the_commit_and_moves_nothing(
    archive: ConfigRepo, device_files: FilesFn
) -> None:
    archive.commit_run(device_files(2), run_id=1)
    head = archive.head()
    stager = archive.stager()
    objects = archive.git_dir / "objects"
    objects.rename(objects.with_name("objects.real"))
    objects.write_text("not a folder\n")  # the object store is gone (a broken disk, say)
    try:
        for path, text in device_files(2, tag="v2").items():
            stager.add(path, text)  # never raises while devices are still being collected
        with pytest.raises(RepoError, match=r"git hash-object failed \(exit \d+\): \S"):
            archive.commit_staged(stager, run_id=2)
    finally:
        objects.unlink()
        objects.with_name("objects.real").rename(objects)
    assert archive.head() == head


def test_a_repack_running_while_a_run_stages_keeps_every_object(
    archive: ConfigRepo, git: GitFn
) -> None:
    def run_files(run: int) -> dict[str, str]:
        return {f"acme/sw{i}.cfg": f"hostname sw{i}\nrun {run}\n" for i in range(5)}

    for run in range(1, 8):
        archive.commit_run(run_files(run), run_id=run)
    assert archive.start_maintenance(loose_limit=10_000) is None  # not due: nothing starts
    maintenance = archive.start_maintenance(loose_limit=20)
    assert maintenance is not None
    stager = archive.stager()
    for path, text in run_files(8).items():
        stager.add(path, text)  # while git repacks
    archive.commit_staged(stager, run_id=8)  # still repacking, as in a run
    maintenance.wait()

    assert git(archive.path, "fsck", "--no-progress", "--strict") == ""
    assert len(archive.history("acme/sw1.cfg")) == 8
    assert git(archive.path, "count-objects", "-v").count("packs: 1") == 1
    assert (archive.path / "acme/sw1.cfg").read_text() == run_files(8)["acme/sw1.cfg"]
