"""clean(): the fixed pipeline, checked on small hand-made platforms and on the real tables."""

from __future__ import annotations

import pytest

from confvault.models import ErrorClass
from confvault.platforms import (
    Command,
    Dialogue,
    OutputRejected,
    Platform,
    clean,
    drop,
    get_platform,
    mask,
)

TOY = Platform(
    name="toy",
    comment_prefix="! ",
    dialogue=Dialogue(prompt=r"toy[>#]"),
    commands=(
        Command("show version", as_comment=True, keep=(r"^Version ",)),
        Command("show run", is_config=True, drop=(r"^Building",)),
    ),
    error_patterns=(r"^% Invalid input",),
    volatile=(drop(r"^! Time: "), mask(r"^(clock-period) \d+$", r"\1 N")),
    secrets=(mask(r"^(password) \S+", r"\1 <removed>"),),
    end_marker=r"^end$",
    min_config_lines=3,
)

VERSION = "Version 1.2\nuptime is 3 minutes\n"
CONFIG = (
    "Building configuration...\n! Time: 10:00\nhostname r1\nclock-period 17\npassword s3cr3t\nend\n"
)


def test_the_archived_file_in_order_comment_then_config() -> None:
    assert clean(TOY, [VERSION, CONFIG], mask_secrets=False) == (
        "! Version 1.2\nhostname r1\nclock-period N\npassword s3cr3t\nend\n"
    )


def test_masking_applies_only_when_asked() -> None:
    masked = clean(TOY, [VERSION, CONFIG], mask_secrets=True)
    assert "s3cr3t" not in masked
    assert "password <removed>" in masked


def test_line_endings_ansi_trailing_blanks_and_pager_erasers_do_not_change_the_bytes() -> None:
    noisy = (
        "\r\n\x1b[?25h"
        + CONFIG.replace("\n", "   \r\n").replace("hostname", "\x1b[1mhostname\x1b[0m")
    ).replace("end", " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\bend")
    plain = clean(TOY, [VERSION, CONFIG], mask_secrets=False)
    assert clean(TOY, [VERSION.replace("\n", "\r\n"), noisy], mask_secrets=False) == plain


def test_carriage_return_overwrites_like_a_terminal() -> None:
    config = "hostname r1\n--More--\r        \rinterface x\nend\n"
    assert "interface x\n" in clean(TOY, ["", config], mask_secrets=False)


def test_a_pager_prompt_erased_by_cursor_moves_vanishes() -> None:
    # VRP / Comware: "  ---- More ----", then ESC[42D, 42 blanks, ESC[42D, then the next line.
    erased = "  ---- More ----\x1b[42D" + " " * 42 + "\x1b[42D"
    config = f"hostname r1\n{erased}interface x\n ip address 10.0.0.1\nend\n"
    assert clean(TOY, ["", config], mask_secrets=False) == (
        "hostname r1\ninterface x\n ip address 10.0.0.1\nend\n"
    )


def test_result_is_deterministic_and_ends_with_one_newline() -> None:
    outputs = [VERSION, CONFIG + "\n\n\n"]
    first = clean(TOY, outputs, mask_secrets=True)
    assert all(clean(TOY, outputs, mask_secrets=True) == first for _ in range(3))
    assert first.endswith("end\n")
    assert not first.endswith("\n\n")


@pytest.mark.parametrize(
    ("config", "error_class", "words"),
    [
        (
            "   ^\n% Invalid input detected at '^' marker.\n",
            ErrorClass.REJECTED,
            "refused 'show run'",
        ),
        ("", ErrorClass.INCOMPLETE, "show run output is empty"),
        ("Building configuration...\n\n", ErrorClass.INCOMPLETE, "output is empty"),
        ("hostname r1\ninterface x\n", ErrorClass.INCOMPLETE, "no final 'end' line"),
        ("hostname r1\nend\n", ErrorClass.INCOMPLETE, "only 2 lines"),
        ("hostname r1\nint\x00x\nfoo\nend\n", ErrorClass.INCOMPLETE, "U+0000"),
    ],
)
def test_refusals_name_the_command_and_the_fault(
    config: str, error_class: ErrorClass, words: str
) -> None:
    with pytest.raises(OutputRejected) as caught:
        clean(TOY, [VERSION, config], mask_secrets=False)
    assert caught.value.error_class is error_class
    assert words in str(caught.value)


def test_a_refused_informational_command_fails_the_device_too() -> None:
    with pytest.raises(OutputRejected) as caught:
        clean(TOY, ["% Invalid input detected\n", CONFIG], mask_secrets=False)
    assert caught.value.error_class is ErrorClass.REJECTED
    assert "'show version'" in str(caught.value)


def test_an_error_text_deep_inside_the_config_is_not_a_refusal() -> None:
    config = "hostname r1\na\nb\nc\nd\nbanner x\n% Invalid input is logged\nend\n"
    assert "% Invalid input is logged" in clean(TOY, [VERSION, config], mask_secrets=False)


def test_the_number_of_outputs_must_match_the_commands() -> None:
    with pytest.raises(ValueError, match="1 outputs for 2 commands"):
        clean(TOY, [CONFIG], mask_secrets=False)


@pytest.mark.parametrize(
    "line",
    [
        "Building configuration...",
        "Current configuration : 12345 bytes",
        "! Last configuration change at 10:15:32 UTC Wed Nov 25 2026 by admin",
        "! NVRAM config last updated at 10:15:35 UTC Wed Nov 25 2026 by admin",
        "ntp clock-period 17179869",
    ],
)
def test_ios_contract_volatile_lines_are_dropped(line: str) -> None:
    ios = get_platform("cisco_ios")
    config = f"{line}\n!\nhostname r1\nntp server 192.0.2.1\nend\n"
    assert line not in clean(ios, ["", config], mask_secrets=False)


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("cisco_nxos", "!Time: Wed Nov 25 10:20:01 2026"),
        ("cisco_nxos", "!Running configuration last done at: Wed Nov 25 10:15:32 2026"),
        ("cisco_xr", "Wed Nov 25 10:20:01.123 UTC"),
        ("cisco_xr", "!! Last configuration change at Wed Nov 25 10:15:32 2026 by admin"),
        ("arista_eos", "! Time: Wed Nov 25 10:20:01 2026"),
        ("juniper_junos", "## Last commit: 2026-11-25 10:15:32 UTC by admin"),
        ("huawei", "!Last configuration was updated at 2026-11-25 10:15:32+00:00 by admin"),
        ("huawei", "!Last configuration was saved at 2026-11-25 10:15:35+00:00 by admin"),
        ("mikrotik_routeros", "# 2026-11-25 10:20:01 by RouterOS 7.12.1"),
        ("mikrotik_routeros", "# nov/25/2026 10:20:01 by RouterOS 6.49.7"),
    ],
)
def test_contract_volatile_config_lines_match_a_volatile_rule(name: str, line: str) -> None:
    rules = get_platform(name).volatile
    assert any(rule.drops and rule.regex.search(line) for rule in rules)


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("cisco_ios", "ntp clock-period 17179869 extra"),
        ("cisco_ios", "ntp server 192.0.2.1"),
        ("cisco_ios", "banner motd ^C Current configuration : 5 bytes ^C"),
        ("cisco_xr", "description Wed Nov 25 10:20:01.123 UTC"),
        ("juniper_junos", '    description "## Last commit: 2026-11-25 10:15:32 UTC by admin";'),
        ("mikrotik_routeros", 'add comment="# 2026-11-25 10:20:01 by RouterOS 7.12.1"'),
        ("huawei", " description !Last configuration was updated at 2026-11-25 10:15:32"),
    ],
)
def test_volatile_rules_never_touch_real_config_lines(name: str, line: str) -> None:
    platform = get_platform(name)
    assert all(not rule.regex.search(line) for rule in platform.volatile if rule.drops)
    assert all(
        rule.regex.sub(rule.replacement or "", line) == line
        for rule in platform.volatile
        if not rule.drops
    )


SECTIONED = Platform(
    name="sectioned",
    comment_prefix="# ",
    dialogue=Dialogue(prompt=r"\[\S+\] >"),
    commands=(Command("/export", is_config=True),),
    secrets=(mask(r"(name=)\S+", r"\1<removed>", within=r"^/snmp community$"),),
    section_header=r"^/",
)


def test_a_rule_within_a_section_touches_only_that_section() -> None:
    export = (
        "/snmp community\nadd name=s3cret addresses=10.0.0.0/8\n"
        "/system identity\nset name=r1\n/snmp community\nset name=other\n"
    )
    assert clean(SECTIONED, [export], mask_secrets=True).splitlines() == [
        "/snmp community",
        "add name=<removed> addresses=10.0.0.0/8",
        "/system identity",
        "set name=r1",  # another section: the device's name stays
        "/snmp community",
        "set name=<removed>",
    ]


def test_a_sectioned_rule_needs_the_platform_to_say_what_a_section_is() -> None:
    with pytest.raises(ValueError, match="section_header"):
        Platform(
            name="x",
            comment_prefix="# ",
            dialogue=Dialogue(prompt=r"x>"),
            commands=(Command("/export", is_config=True),),
            secrets=(mask(r"(name=)\S+", r"\1<removed>", within=r"^/snmp community$"),),
        )
