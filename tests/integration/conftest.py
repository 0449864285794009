"""End-to-end fixtures: a device lab over real SSH, a project on disk, SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from confvault_lab import Lab, parse_spec
from tests.integration.project import PLATFORMS, Project, write_project


def lab_spec() -> dict[str, object]:
    """One device per platform for tenant acme, plus two IOS switches for tenant globex."""
    groups: list[dict[str, object]] = [
        {"platform": p, "provider": "acme", "size": 6000} for p in PLATFORMS
    ]
    groups.append({"platform": "cisco_ios", "provider": "globex", "count": 2, "size": 6000})
    return {"groups": groups}


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=[pytest.mark.postgres]),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'confvault.db'}"
    new_database: Callable[[], str] = request.getfixturevalue("new_pg_database")
    return new_database()


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Iterator[Project]:
    root = tmp_path / "project"
    with Lab(parse_spec(lab_spec()), tmp_path / "lab", inventory_dir=root / "inventory") as lab:
        yield write_project(root, lab, database_url=database_url)
