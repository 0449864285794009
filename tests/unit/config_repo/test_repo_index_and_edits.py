"""A lost index is read again from HEAD; a person's edit holds back its device, with advice that
never deletes a configuration."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from confvault.config_repo import ConfigRepo
from confvault.models import CollectResult, ErrorClass

GitFn = Callable[..., str]
FilesFn = Callable[..., dict[str, str]]

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PERSON_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "a person",
    "GIT_AUTHOR_EMAIL": "person@example.net",
    "GIT_COMMITTER_NAME": "a person",
    "GIT_COMMITTER_EMAIL": "person@example.net",
    "GIT_EDITOR": "false",  # never wait for an editor
}


def ok_result(device: str, text: str = "hostname x\nend\n") -> CollectResult:
    return CollectResult(device, "acme", "cisco_ios", NOW, NOW, config=text)


def lose_index(index: Path) -> None:
    index.unlink()


def corrupt_index(index: Path) -> None:
    index.write_bytes(b"DIRC\x00\x00\x00\x02" + b"\xff" * 40)


@pytest.mark.parametrize("damage", [lose_index, corrupt_index], ids=["deleted", "unreadable"])
def test_a_lost_index_is_read_again_from_head_and_nothing_is_deleted(
    archive: ConfigRepo, device_files: FilesFn, git: GitFn, damage: Callable[[Path], None]
) -> None:
    archive.commit_run(device_files(5), run_id=1)
    damage(archive.git_dir / "index")

    archive.prepare()

    assert archive.uncommitted == {}
    assert git(archive.path, "status", "--porcelain", "--untracked-files=all") == ""
    outcome = archive.commit_run(device_files(5, tag="v2") | {"acme/r000.cfg": "same\n"}, run_id=2)
    assert outcome.commit_id is not None
    assert sorted(git(archive.path, "ls-tree", "-r", "--name-only", "HEAD").split()) == sorted(
        device_files(5)
    )
    assert git(archive.path, "status", "--porcelain", "--untracked-files=all") == ""


def test_a_lost_index_still_shows_a_person_edit_against_head(
    archive: ConfigRepo, device_files: FilesFn
) -> None:
    archive.commit_run(device_files(3), run_id=1)
    (archive.git_dir / "index").unlink()
    (archive.path / "acme/r001.cfg").write_text("edited by hand\n")

    archive.prepare()

    assert archive.uncommitted == {"acme/r001.cfg": "modified"}


def test_files_that_are_not_device_files_never_hold_anything_back(
    archive: ConfigRepo, device_files: FilesFn
) -> None:
    archive.commit_run(device_files(2), run_id=1)
    for stray in ("README.md", ".gitlab-ci.yml", "acme/.r000.cfg.swp"):
        (archive.path / stray).write_text("not confvault's\n")

    archive.prepare()

    for n in range(2):
        result = ok_result(f"r{n:03d}")
        assert archive.hold_edited(result, f"acme/r{n:03d}.cfg") is result
    assert archive.commit_run(device_files(2, tag="v2"), run_id=2).warnings == ()
    assert (archive.path / "README.md").read_text() == "not confvault's\n"


def edit(archive: ConfigRepo, git: GitFn, kind: str) -> str:
    """Make a person's change of this kind to a device file; return its path."""
    if kind == "modified":
        (archive.path / "acme/r001.cfg").write_text("my careful edit\n")
        return "acme/r001.cfg"
    if kind == "deleted":
        (archive.path / "acme/r001.cfg").unlink()
        return "acme/r001.cfg"
    if kind == "untracked":
        (archive.path / "acme/r009.cfg").write_text("put here by hand\n")
        return "acme/r009.cfg"
    git(archive.path, "rm", "-q", "acme/r001.cfg")  # "deleted" in the index and the work tree
    return "acme/r001.cfg"


def advised_commands(message: str) -> list[list[str]]:
    return [shlex.split(command) for command in re.findall(r"'(git -C [^']+)'", message)]


@pytest.mark.parametrize("kind", ["modified", "deleted", "untracked", "staged-deletion"])
def test_an_edited_device_is_held_back_and_no_advice_deletes_a_configuration(
    archive: ConfigRepo, device_files: FilesFn, git: GitFn, kind: str
) -> None:
    archive.commit_run(device_files(3), run_id=1)
    path = edit(archive, git, kind)
    archive.prepare()
    before = (archive.path / path).read_bytes() if (archive.path / path).exists() else None

    held = archive.hold_edited(ok_result(Path(path).stem), path)

    assert held.error_class is ErrorClass.SUSPECT
    assert held.config is None
    assert held.message.startswith(f"archive file {path} ")
    assert "held back" in held.message
    failed = CollectResult("r002", "acme", "cisco_ios", NOW, NOW, error_class=ErrorClass.AUTH)
    assert archive.hold_edited(failed, path) is failed
    other = ok_result("r000")
    assert archive.hold_edited(other, "acme/r000.cfg") is other
    after = (archive.path / path).read_bytes() if (archive.path / path).exists() else None
    assert after == before  # holding back touched nothing
    commands = advised_commands(held.message)
    assert commands
    archived = set(git(archive.path, "ls-tree", "-r", "--name-only", "HEAD").split())
    for command in commands:
        # as a person would, with a commit message typed in
        if command[3] == "commit":
            command[4:4] = ["-m", "kept by hand"]
        subprocess.run(
            command,
            check=True,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            env=PERSON_ENV,
            timeout=60,
        )
        # following the advice never loses an archived configuration
        now = set(git(archive.path, "ls-tree", "-r", "--name-only", "HEAD").split())
        assert archived <= now
        assert all((archive.path / p).exists() for p in archived)
    archive.prepare()
    assert path not in archive.uncommitted  # and after it the device is backed up again


def test_deleted_device_file_is_never_advised_to_be_committed(
    archive: ConfigRepo, device_files: FilesFn, git: GitFn
) -> None:
    archive.commit_run(device_files(2), run_id=1)
    (archive.path / "acme/r001.cfg").unlink()
    archive.prepare()

    message = archive.hold_edited(ok_result("r001"), "acme/r001.cfg").message

    assert [c[3] for c in advised_commands(message)] == ["restore"]
    assert " commit " not in message
