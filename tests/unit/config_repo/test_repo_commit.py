"""commit_run: one commit per run holding exactly the changed and new device files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from confvault.config_repo import ConfigRepo
from confvault.errors import RepoError

GitFn = Callable[..., str]
FilesFn = Callable[..., dict[str, str]]


def changed_paths(git: GitFn, repo: Path, rev: str = "HEAD") -> set[str]:
    return set(git(repo, "show", "--format=", "--name-only", rev).split())


def test_first_run_commits_every_file_and_leaves_git_status_clean(
    archive: ConfigRepo, git: GitFn, device_files: FilesFn
) -> None:
    files = device_files(50)
    outcome = archive.commit_run(files, run_id=1)

    assert outcome.commit_id == archive.head() == git(archive.path, "rev-parse", "HEAD").strip()
    assert len(outcome.changed) == 50
    assert changed_paths(git, archive.path) == set(files)
    assert "50 files changed" in git(archive.path, "show", "--stat", "HEAD")
    assert git(archive.path, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(archive.path, "rev-list", "--count", "HEAD").strip() == "1"
    for path, text in files.items():
        assert (archive.path / path).read_text() == text


def test_outcome_reports_git_blob_ids_and_sizes(archive: ConfigRepo, git: GitFn) -> None:
    files = {"acme/core-sw1.cfg": "hostname core-sw1\nend\n"}
    (change,) = archive.commit_run(files, run_id=1).files

    assert change.path == "acme/core-sw1.cfg"  # keyed by the device's archive path
    assert change.blob_id == git(archive.path, "rev-parse", "HEAD:acme/core-sw1.cfg").strip()
    assert change.size == len(files["acme/core-sw1.cfg"].encode())
    assert archive.blob_ids() == {"acme/core-sw1.cfg": change.blob_id}


def test_identical_second_run_makes_no_commit(archive: ConfigRepo, device_files: FilesFn) -> None:
    first = archive.commit_run(device_files(50), run_id=1)
    second = archive.commit_run(device_files(50), run_id=2)

    assert second.commit_id is None
    assert second.changed == ()
    assert len(second.files) == 50
    assert archive.head() == first.commit_id


def test_three_changed_devices_make_one_commit_touching_only_them(
    archive: ConfigRepo, git: GitFn, device_files: FilesFn
) -> None:
    files = device_files(50)
    first = archive.commit_run(files, run_id=1)
    edited = ["acme/r003.cfg", "acme/r017.cfg", "acme/r042.cfg"]
    for path in edited:
        files[path] += "ntp server 10.0.0.1\n"

    outcome = archive.commit_run(files, run_id=2)

    assert {c.path for c in outcome.changed} == set(edited)
    assert git(archive.path, "rev-parse", "HEAD~1").strip() == first.commit_id
    assert changed_paths(git, archive.path) == set(edited)
    assert "3 files changed, 3 insertions(+)" in git(archive.path, "show", "--stat", "HEAD")
    assert git(archive.path, "status", "--porcelain", "--untracked-files=all") == ""
    assert (archive.path / "acme/r017.cfg").read_text().endswith("ntp server 10.0.0.1\n")


def test_failed_or_removed_device_keeps_its_file(
    archive: ConfigRepo, git: GitFn, device_files: FilesFn
) -> None:
    files = device_files(5)
    archive.commit_run(files, run_id=1)
    kept = files.pop("acme/r002.cfg")  # this device failed in run 2
    files["acme/r000.cfg"] += "changed\n"

    archive.commit_run(files, run_id=2)

    assert (archive.path / "acme/r002.cfg").read_text() == kept
    assert archive.read("acme/r002.cfg") == kept
    assert "acme/r002.cfg" in git(archive.path, "ls-files")


def test_message_has_counts_path_sections_and_run_trailer(
    archive: ConfigRepo, git: GitFn, device_files: FilesFn
) -> None:
    files = device_files(3)
    archive.commit_run(files, run_id=41)
    files["acme/r001.cfg"] += "x\n"
    files["beta/edge1.cfg"] = "hostname edge1\n"

    archive.commit_run(files, run_id=42, summary="2 devices failed")
    message = git(archive.path, "log", "-1", "--format=%B")

    assert message.splitlines()[0] == "confvault run 42: 1 changed, 1 new"
    assert "changed:\n  acme/r001.cfg\n" in message
    assert "new:\n  beta/edge1.cfg\n" in message
    assert "2 devices failed" in message
    trailer = "%(trailers:key=Confvault-Run,valueonly)"
    assert git(archive.path, "log", "-1", f"--format={trailer}").strip() == "42"


@pytest.mark.parametrize("bad", ["../escape.cfg", "-rf", "/etc/passwd", "acme/*.cfg", ".git/x"])
def test_bad_archive_path_is_refused_before_anything_is_written(
    archive: ConfigRepo, bad: str
) -> None:
    with pytest.raises(RepoError, match="invalid archive path"):
        archive.commit_run({"acme/ok.cfg": "ok\n", bad: "evil\n"}, run_id=1)
    assert archive.head() is None
    assert not (archive.path / "acme").exists()


def test_open_refuses_missing_plain_and_bare_folders(
    tmp_path: Path, git: GitFn, author: dict[str, str]
) -> None:
    with pytest.raises(RepoError, match=r"does not exist"):
        ConfigRepo.open(tmp_path / "nowhere", **author)
    (tmp_path / "plain").mkdir()
    with pytest.raises(RepoError, match=r"plain is not a git repository"):
        ConfigRepo.open(tmp_path / "plain", **author)
    git(tmp_path, "init", "-q", "--bare", "bare.git")
    with pytest.raises(RepoError, match=r"bare.git is a bare repository"):
        ConfigRepo.open(tmp_path / "bare.git", **author)


def test_open_refuses_a_folder_inside_another_repository(
    archive: ConfigRepo, author: dict[str, str]
) -> None:
    (archive.path / "acme").mkdir()
    with pytest.raises(RepoError, match="not a git repository"):
        ConfigRepo.open(archive.path / "acme", **author)


def test_init_refuses_a_folder_with_content(tmp_path: Path, author: dict[str, str]) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(RepoError, match="exists and is not an empty folder"):
        ConfigRepo.init(tmp_path, **author)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_reopened_archive_continues_the_history(
    archive: ConfigRepo, git: GitFn, device_files: FilesFn, author: dict[str, str]
) -> None:
    archive.commit_run(device_files(2), run_id=1)
    again = ConfigRepo.open(archive.path, **author)
    again.prepare()
    outcome = again.commit_run(device_files(2, tag="v2"), run_id=2)
    assert outcome.commit_id is not None
    assert git(archive.path, "rev-list", "--count", "HEAD").strip() == "2"
    assert git(archive.path, "config", "core.fsync").strip() == "committed"
