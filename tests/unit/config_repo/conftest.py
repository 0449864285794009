"""Fixtures for the Git archive tests: real repositories in tmp_path, checked with plain git."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from confvault.config_repo import ConfigRepo

AUTHOR = {"author_name": "confvault", "author_email": "confvault@example.net"}


def run_git(repo: Path, *args: str) -> str:
    """Plain git, as an operator would run it next to confvault."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def make_device_files(count: int, *, provider: str = "acme", tag: str = "v1") -> dict[str, str]:
    return {
        f"{provider}/r{n:03d}.cfg": f"hostname r{n:03d}\n! {tag}\ninterface Gi0/{n}\nend\n"
        for n in range(count)
    }


@pytest.fixture
def archive(tmp_path: Path) -> ConfigRepo:
    repo = ConfigRepo.init(tmp_path / "archive", **AUTHOR)
    repo.prepare()
    return repo


# Test modules get the helpers through fixtures, never `import conftest` (fragile across dirs).
GitFn = Callable[..., str]
FilesFn = Callable[..., dict[str, str]]


@pytest.fixture
def git() -> GitFn:
    return run_git


@pytest.fixture
def device_files() -> FilesFn:
    return make_device_files


@pytest.fixture
def author() -> dict[str, str]:
    return dict(AUTHOR)
