"""Write an inventory project (nornir.yaml + SimpleInventory files) into tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

NORNIR_YAML = """\
inventory:
  plugin: SimpleInventory
  options:
    host_file: inventory/hosts.yaml
    group_file: inventory/groups.yaml
    defaults_file: inventory/defaults.yaml
"""

WriteProject = Callable[..., Path]


@pytest.fixture
def write_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WriteProject:
    """Returns a writer: ``write(hosts=..., groups=..., defaults=...) -> path of nornir.yaml``.

    Works in tmp_path as the current folder, so messages show paths as an operator sees them.
    """
    monkeypatch.chdir(tmp_path)

    def write(hosts: str = "", groups: str | None = None, defaults: str | None = None) -> Path:
        folder = tmp_path / "inventory"
        folder.mkdir(exist_ok=True)
        (folder / "hosts.yaml").write_text(hosts, encoding="utf-8")
        for name, text in (("groups.yaml", groups), ("defaults.yaml", defaults)):
            if text is not None:
                (folder / name).write_text(text, encoding="utf-8")
        nornir_config = tmp_path / "nornir.yaml"
        nornir_config.write_text(NORNIR_YAML, encoding="utf-8")
        return nornir_config

    return write
