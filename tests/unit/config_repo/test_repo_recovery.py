"""prepare(): people's edits are found and left alone, stale locks go, a kill -9 is repaired."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from confvault.config_repo import ConfigRepo
from confvault.errors import RepoError

GitFn = Callable[..., str]
FilesFn = Callable[..., dict[str, str]]

# A separate process does the commit, so the SIGKILL is a real one (no finally, no atexit).
COMMITTER = """
import json, sys
from pathlib import Path
from confvault.config_repo import ConfigRepo
path, files_json, run_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
repo = ConfigRepo.open(Path(path), author_name="cv", author_email="cv@example.net")
repo.prepare()
print(repo.commit_run(json.loads(Path(files_json).read_text()), run_id=run_id).commit_id)
"""


def commit_in_child(repo: Path, files: dict[str, str], run_id: int, crash_at: str) -> int:
    files_json = repo.parent / "files.json"
    files_json.write_text(json.dumps(files))
    env = {**os.environ, "CONFVAULT_TEST_CRASH_AT": crash_at}
    child = subprocess.run(
        [sys.executable, "-c", COMMITTER, str(repo), str(files_json), str(run_id)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return child.returncode


def assert_healthy(repo: ConfigRepo, git: GitFn) -> None:
    fsck = subprocess.run(
        ["git", "-C", str(repo.path), "fsck", "--full", "--no-dangling"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    assert fsck.stdout == ""
    assert git(repo.path, "status", "--porcelain", "--untracked-files=all") == ""
    for path in repo.blob_ids():
        assert (repo.path / path).read_text() == repo.read(path)


def test_a_person_edit_is_left_alone_and_only_its_device_held_back(
    archive: ConfigRepo, device_files: FilesFn
) -> None:
    archive.commit_run(device_files(3), run_id=1)
    edited = archive.path / "acme/r001.cfg"
    edited.write_text("my careful hand edit\n")
    (archive.path / "notes.txt").write_text("todo\n")

    archive.prepare()

    assert archive.uncommitted == {"acme/r001.cfg": "modified", "notes.txt": "untracked"}
    outcome = archive.commit_run(device_files(3, tag="v2"), run_id=2)
    assert outcome.commit_id is not None
    assert [f.path for f in outcome.changed] == ["acme/r000.cfg", "acme/r002.cfg"]
    assert outcome.warnings == (
        "acme/r001.cfg left out of the commit: modified by a person, not committed",
    )
    assert edited.read_text() == "my careful hand edit\n"
    assert (archive.path / "notes.txt").read_text() == "todo\n"


def test_every_edited_device_file_is_named_staged_ones_too(
    archive: ConfigRepo, device_files: FilesFn, git: GitFn
) -> None:
    archive.commit_run(device_files(8), run_id=1)
    for n in range(7):
        (archive.path / f"acme/r{n:03d}.cfg").write_text("edited\n")
    git(archive.path, "add", "acme/r000.cfg")  # staged by a person counts too

    archive.prepare()

    assert archive.uncommitted == {f"acme/r{n:03d}.cfg": "modified" for n in range(7)}


def test_stale_index_lock_is_removed(
    archive: ConfigRepo, device_files: FilesFn, git: GitFn
) -> None:
    archive.commit_run(device_files(2), run_id=1)
    lock = archive.path / ".git/index.lock"
    lock.write_text("")
    an_hour_ago = time.time() - 3600
    os.utime(lock, (an_hour_ago, an_hour_ago))

    archive.prepare()

    assert not lock.exists()
    assert archive.commit_run(device_files(2, tag="v2"), run_id=2).commit_id is not None
    assert_healthy(archive, git)


def test_fresh_index_lock_of_a_live_git_is_respected(archive: ConfigRepo) -> None:
    lock = archive.path / ".git/index.lock"
    lock.write_text("")
    # a person's git, working in the archive (as `git commit` does while its editor is open)
    person = subprocess.Popen(
        ["git", "cat-file", "--batch"],
        cwd=archive.path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        with pytest.raises(RepoError, match=r"locked by a running git command \(\.git/index\.lock"):
            archive.prepare()
        assert lock.exists()
    finally:
        person.communicate(b"")

    archive.prepare()  # their git is gone: no process can own the lock now, however fresh

    assert not lock.exists()


@pytest.mark.parametrize(
    ("crash_at", "lands"),
    [
        ("after-blobs", False),
        ("before-update-ref", False),
        ("after-update-ref", True),
        ("mid-work-tree", True),
        ("after-index", True),
    ],
)
def test_kill_9_during_commit_leaves_old_or_new_head_and_next_run_repairs(
    archive: ConfigRepo,
    device_files: FilesFn,
    git: GitFn,
    author: dict[str, str],
    crash_at: str,
    lands: bool,
) -> None:
    previous = archive.commit_run(device_files(20), run_id=1).commit_id
    files = device_files(20, tag="v2")
    files["beta/new.cfg"] = "hostname new\n"

    assert commit_in_child(archive.path, files, 2, crash_at) == -signal.SIGKILL

    repo = ConfigRepo.open(archive.path, **author)
    head_after_crash = repo.head()
    assert (head_after_crash != previous) is lands
    repo.prepare()
    assert repo.head() == head_after_crash
    assert_healthy(repo, git)

    outcome = repo.commit_run(files, run_id=3)
    assert (outcome.commit_id is None) is lands
    assert_healthy(repo, git)
    assert (repo.path / "beta/new.cfg").read_text() == "hostname new\n"
    assert git(repo.path, "rev-list", "--count", "HEAD").strip() == "2"


def test_crash_leftovers_and_a_killed_git_lock_are_cleared(
    archive: ConfigRepo, device_files: FilesFn, git: GitFn, author: dict[str, str]
) -> None:
    archive.commit_run(device_files(4), run_id=1)
    assert commit_in_child(archive.path, device_files(4, tag="v2"), 2, "mid-work-tree") == -9
    (archive.path / ".git/index.lock").write_text("")  # as if our git update-index died too

    repo = ConfigRepo.open(archive.path, **author)
    repo.prepare()  # fresh lock, but the journal says its owner is dead

    assert not (archive.path / ".git/index.lock").exists()
    assert_healthy(repo, git)
    assert (repo.path / "acme/r003.cfg").read_text() == device_files(4, tag="v2")["acme/r003.cfg"]


def test_person_edit_after_a_crash_is_not_overwritten(
    archive: ConfigRepo, device_files: FilesFn, git: GitFn, author: dict[str, str]
) -> None:
    archive.commit_run(device_files(4), run_id=1)
    assert commit_in_child(archive.path, device_files(4, tag="v2"), 2, "after-update-ref") == -9
    hand_edited = archive.path / "acme/r002.cfg"
    hand_edited.write_text("fixed by hand while confvault was down\n")

    repo = ConfigRepo.open(archive.path, **author)
    repo.prepare()
    assert repo.uncommitted == {"acme/r002.cfg": "modified"}
    assert git(archive.path, "status", "--porcelain") == " M acme/r002.cfg\n"  # nothing staged
    assert hand_edited.read_text() == "fixed by hand while confvault was down\n"
    landed = device_files(4, tag="v2")["acme/r001.cfg"]
    assert (archive.path / "acme/r001.cfg").read_text() == landed  # ours were synced meanwhile
