"""Prompt forms from the vendors' documents (tests/data/platforms/<p>/prompts.yaml): the lines a
platform prints before its prompt ('{master:0}') never end a read, and the prompt after them is
the one the dialogue learns."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from tests.platform_data import DATA, platforms_with_prompts

from confvault.platforms import clean, get_platform
from confvault.runner.dialogue import last_line


def _prompts_file(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA / name / "prompts.yaml").read_text("utf-8"))
    return data


def _with_lines_before_prompt() -> list[str]:
    return [n for n in platforms_with_prompts() if _prompts_file(n).get("before_prompt")]


def test_junos_lists_its_chassis_lines() -> None:
    assert "juniper_junos" in _with_lines_before_prompt()


@pytest.mark.parametrize("name", _with_lines_before_prompt())
def test_a_line_before_the_prompt_is_not_a_prompt_and_the_prompt_after_it_is(name: str) -> None:
    data = _prompts_file(name)
    dialogue = get_platform(name).dialogue
    for line in data["before_prompt"]:
        assert not dialogue.prompt_regex.fullmatch(line), line
        for prompt in (*data["user"], *data["privileged"]):
            shown = last_line(f"output\r\n\r\n{line}\r\n{prompt} ")
            assert shown == prompt
            assert dialogue.prompt_regex.fullmatch(shown), (line, prompt)


@pytest.mark.parametrize("name", _with_lines_before_prompt())
def test_the_lines_before_the_prompt_are_never_archived(name: str) -> None:
    platform = get_platform(name)
    data = _prompts_file(name)
    version = "Hostname: r1\nModel: mx204\n"
    config = "system {\n    host-name r1;\n}\n"
    for line in data["before_prompt"]:
        archived = clean(
            platform, [f"{version}\n{line}\n", f"{config}\n{line}\n"], mask_secrets=False
        )
        assert line not in archived
        assert "host-name r1;" in archived
