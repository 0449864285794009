"""Each platform's dialogue patterns: real prompts match, no archived configuration line does.

A prompt pattern that matched a configuration line could end a read in the middle of the
configuration; one that missed a real prompt would leave every device of the platform waiting
for its deadline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from confvault.platforms import get_platform, platform_names
from confvault.runner.dialogue import last_line, tidy

DATA = Path(__file__).parents[2] / "data" / "platforms"

# What the devices print, from vendor documentation and the lab (docs/platform-contract.md).
PROMPTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # platform: (user prompts, privileged prompts)
    "cisco_ios": (("acc-sw1>", "R1>"), ("acc-sw1#", "core-rtr.dc1#", "R1(config-if)#")),
    "arista_eos": (("leaf-01>",), ("leaf-01#", "spine1.lab#")),
    "cisco_nxos": ((), ("n9k-core-1#", "switch(config)#")),
    "cisco_xr": ((), ("RP/0/RSP0/CPU0:pe1#", "RP/0/RP0/CPU0:xrv9k-lab#")),
    "juniper_junos": ((), ("netops@mx-edge-1>", "admin@srx.dc2>", "admin@r1#")),
    "huawei": ((), ("<HUAWEI>", "<CE6850-leaf1>", "[~HUAWEI]", "[*HUAWEI]", "<Branch AR2220>")),
    "hp_comware": ((), ("<H3C>", "<HPE-5130-acc>", "[H3C]")),
    "mikrotik_routeros": ((), ("[admin@MikroTik] >", "[admin@gw-01] /ip address>")),
}
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
    assert set(PROMPTS) == set(platform_names())


@pytest.mark.parametrize("name", sorted(PROMPTS))
def test_real_prompts_match_and_privilege_is_told_apart(name: str) -> None:
    dialogue = get_platform(name).dialogue
    user, privileged = PROMPTS[name]
    for prompt in (*user, *privileged):
        assert dialogue.prompt_regex.fullmatch(prompt), prompt
    if dialogue.privileged_regex is not None:
        assert all(dialogue.privileged_regex.fullmatch(p) for p in privileged)
        assert not any(dialogue.privileged_regex.fullmatch(p) for p in user)
    for line in NOT_PROMPTS:
        assert not dialogue.prompt_regex.fullmatch(line), line


@pytest.mark.parametrize("name", sorted(PROMPTS))
def test_no_line_of_a_recorded_session_looks_like_a_prompt(name: str) -> None:
    dialogue = get_platform(name).dialogue
    lines = 0
    for outputs in sorted((DATA / name).glob("*/outputs.yaml")):
        for entry in yaml.safe_load(outputs.read_text(encoding="utf-8")):
            for line in tidy(str(entry["output"])).splitlines():
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


def test_tidy_gives_plain_newlines_without_terminal_codes() -> None:
    assert tidy("a\r\nb\r\r\nc\rd\x1b[0m\x08\n") == "a\nb\nc\nd\n"
