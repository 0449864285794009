"""Each case dir under tests/data/platforms: raw device output in, archived file or refusal out.

That every platform has the standard cases, and no folder lacks a platform, is checked by
test_platform_checklist.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.platform_data import DATA

from confvault.models import ErrorClass
from confvault.platforms import OutputRejected, clean, get_platform, platform_names


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


CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, update_golden: bool) -> None:
    platform = get_platform(case.platform)
    assert case.commands == tuple(c.command for c in platform.commands), (
        f"{case.id}: outputs.yaml must list the platform's commands in order"
    )
    if case.rejected is not None:
        with pytest.raises(OutputRejected) as caught:
            clean(platform, case.outputs, mask_secrets=case.mask_secrets)
        assert caught.value.error_class is ErrorClass(case.rejected["error_class"])
        assert case.rejected["message_contains"] in str(caught.value)
        assert not case.expected_path.exists(), f"{case.id}: a rejected case has no expected.cfg"
        return

    archived = clean(platform, case.outputs, mask_secrets=case.mask_secrets)
    if update_golden or not case.expected_path.exists():
        case.expected_path.write_text(archived, encoding="utf-8", newline="")
        if not update_golden:
            pytest.fail(f"{case.id}: expected.cfg was missing and has been written; review it")
    assert archived == case.expected_path.read_text(encoding="utf-8")
    for secret in case.must_not_appear:
        assert secret not in archived, f"{case.id}: secret {secret!r} leaked"
    for text in case.must_appear:
        assert text in archived, f"{case.id}: {text!r} missing (masking ate too much?)"


@pytest.mark.parametrize("name", platform_names())
def test_second_session_with_only_volatile_changes_archives_identical_bytes(name: str) -> None:
    # This is what keeps a re-run from making a commit: uptime, clocks, CRLF and trailing blanks.
    platform = get_platform(name)
    by_name = {c.name: c for c in CASES if c.platform == name}
    typical, volatile = by_name["typical"], by_name["volatile"]
    assert typical.outputs != volatile.outputs
    first = clean(platform, typical.outputs, mask_secrets=False)
    second = clean(platform, volatile.outputs, mask_secrets=False)
    assert first == second


@pytest.mark.parametrize("name", platform_names())
def test_masking_off_keeps_the_secrets_masking_on_removes(name: str) -> None:
    platform = get_platform(name)
    masked = next(c for c in CASES if c.platform == name and c.name == "masked")
    plain = clean(platform, masked.outputs, mask_secrets=False)
    for secret in masked.must_not_appear:
        assert secret in plain, f"{name}: {secret!r} vanished although masking is off"
    assert "<removed>" not in plain
    hidden = clean(platform, masked.outputs, mask_secrets=True)
    assert hidden.count("\n") == plain.count("\n"), "masking must never add or drop lines"
