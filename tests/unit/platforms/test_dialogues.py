"""Each platform's dialogue patterns: real prompts match, no archived configuration line does.

A prompt pattern that matched a configuration line could end a read in the middle of the
configuration; one that missed a real prompt would leave every device of the platform waiting
for its deadline.
"""

from __future__ import annotations

import pytest
import yaml
from tests.platform_data import (
    DATA,
    load_prompts,
    platforms_asking_at_login,
    platforms_with_prompts,
)

from confvault.platforms import get_platform, platform_names
from confvault.platforms.clean import normalise, terminal_line
from confvault.runner.dialogue import last_line

NOT_PROMPTS = (
    "hostname R1",
    "end",
    "return",
    "}",
    "#",
    "!",
    "description uplink to core#1 port 2",
    "Building configuration...",
    "<>",
    "[ ]",
)


def test_every_platform_has_prompt_samples() -> None:
    assert set(platforms_with_prompts()) == set(platform_names())


@pytest.mark.parametrize("name", platforms_with_prompts())
def test_real_prompts_match_and_privilege_is_told_apart(name: str) -> None:
    dialogue = get_platform(name).dialogue
    samples = load_prompts(name)
    user, privileged = samples.user, samples.privileged
    assert user or privileged, f"{name}: prompts.yaml lists no prompt"
    for prompt in (*user, *privileged):
        assert dialogue.prompt_regex.fullmatch(prompt), prompt
    if dialogue.privileged_regex is not None:
        assert all(dialogue.privileged_regex.fullmatch(p) for p in privileged)
        assert not any(dialogue.privileged_regex.fullmatch(p) for p in user)
    for line in NOT_PROMPTS:
        assert not dialogue.prompt_regex.fullmatch(line), line


@pytest.mark.parametrize("name", platforms_asking_at_login())
def test_a_question_before_the_first_prompt_is_answered_not_taken_for_a_prompt(name: str) -> None:
    question = load_prompts(name).login_question
    assert question is not None
    dialogue = get_platform(name).dialogue
    shown = last_line(question)  # what the read loop after login looks at
    assert any(regex.search(shown) for regex, _ in dialogue.answer_regexes), question
    assert not dialogue.prompt_regex.fullmatch(shown), question


@pytest.mark.parametrize("name", platforms_with_prompts())
def test_no_line_of_a_recorded_session_looks_like_a_prompt(name: str) -> None:
    dialogue = get_platform(name).dialogue
    lines = 0
    for outputs in sorted((DATA / name).glob("*/outputs.yaml")):
        for entry in yaml.safe_load(outputs.read_text(encoding="utf-8")):
            raw = str(entry["output"])
            # what is archived, and each piece a CR redraws (what the read loop looks at)
            pieces = normalise(raw) + [
                terminal_line(p) for p in raw.replace("\n", "\r").split("\r")
            ]
            for line in pieces:
                lines += 1
                assert not dialogue.prompt_regex.fullmatch(line.strip()), (outputs, line)
    assert lines > 100


@pytest.mark.parametrize(
    ("buffer", "expected"),
    [
        ("show version\r\nline\r\nR1#", "R1#"),
        ("output\r\n[admin@MikroTik] > ", "[admin@MikroTik] >"),
        ("x\r\n\x1b[1;32mleaf-01#\x1b[0m", "leaf-01#"),  # colours around the prompt
        ("x\r\n --More-- \r          \rR1#", "R1#"),  # a pager erased with CRs, then the prompt
        ("x\r\n<HUAWEI> \x1b[1D", "<HUAWEI>"),  # VRP's space + cursor-left
        ("no line break yet", "no line break yet"),
    ],
)
def test_last_line_is_what_the_terminal_shows_last(buffer: str, expected: str) -> None:
    assert last_line(buffer) == expected


def test_last_line_never_looks_before_the_start_given() -> None:
    # the echo line ends at index 5: the prompt before it must not count as the closing prompt
    assert last_line("R1#\r\nshow", start=5) == "show"
