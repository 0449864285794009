"""The per-platform test data under tests/data/platforms/<platform>/, read one way for all tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "platforms"
# Every platform's case folder has these cases, each with these files
# (tests/unit/platforms/test_platform_cases.py runs them).
CASE_FILES: dict[str, tuple[str, ...]] = {
    "typical": ("outputs.yaml", "expected.cfg"),
    "masked": ("outputs.yaml", "options.yaml", "secrets.yaml", "expected.cfg"),
    "volatile": ("outputs.yaml", "expected.cfg"),
    "truncated": ("outputs.yaml", "rejected.yaml"),
    "rejected-command": ("outputs.yaml", "rejected.yaml"),
}
PROMPTS_FILE = "prompts.yaml"


@dataclass(frozen=True)
class PromptSamples:
    """What a platform's devices print (tests/data/platforms/<platform>/prompts.yaml)."""

    user: tuple[str, ...]
    privileged: tuple[str, ...]
    login_question: str | None  # the last line shown before the first prompt (lab login_question)


def load_prompts(name: str) -> PromptSamples:
    data = yaml.safe_load((DATA / name / PROMPTS_FILE).read_text(encoding="utf-8"))
    return PromptSamples(
        user=tuple(data["user"]),
        privileged=tuple(data["privileged"]),
        login_question=data.get("login_question"),
    )


def platforms_with_prompts() -> list[str]:
    return sorted(p.parent.name for p in DATA.glob(f"*/{PROMPTS_FILE}"))


def platforms_asking_at_login() -> list[str]:
    """Platforms whose devices can ask a question before the first prompt."""
    return [name for name in platforms_with_prompts() if load_prompts(name).login_question]


def case_folders() -> list[str]:
    return sorted(p.name for p in DATA.iterdir() if p.is_dir())
