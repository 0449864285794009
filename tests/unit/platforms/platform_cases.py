"""Loading of the data-driven platform cases under tests/data/platforms/<platform>/<case>/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parents[2] / "data" / "platforms"


@dataclass(frozen=True)
class Case:
    platform: str
    name: str
    path: Path
    commands: tuple[str, ...]
    outputs: tuple[str, ...]
    mask_secrets: bool
    must_not_appear: tuple[str, ...]
    must_appear: tuple[str, ...]
    rejected: dict[str, str] | None

    @property
    def id(self) -> str:
        return f"{self.platform}/{self.name}"

    @property
    def expected_path(self) -> Path:
        return self.path / "expected.cfg"


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None


def load_case(path: Path) -> Case:
    items = _yaml(path / "outputs.yaml")
    options = _yaml(path / "options.yaml") or {}
    secrets = _yaml(path / "secrets.yaml") or {}
    return Case(
        platform=path.parent.name,
        name=path.name,
        path=path,
        commands=tuple(item["command"] for item in items),
        outputs=tuple(item["output"] for item in items),
        mask_secrets=bool(options.get("mask_secrets", False)),
        must_not_appear=tuple(secrets.get("must_not_appear", ())),
        must_appear=tuple(secrets.get("must_appear", ())),
        rejected=_yaml(path / "rejected.yaml"),
    )


def all_cases() -> list[Case]:
    return [load_case(p) for p in sorted(DATA.glob("*/*")) if (p / "outputs.yaml").exists()]
