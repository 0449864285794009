"""Project platform files: what a valid file becomes, and one line naming file:line and key for
each way a file can be wrong (the run stops with exit 2 before any device is contacted)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from tests.unit.inventory.conftest import WriteProject

from confvault.errors import ConfigError
from confvault.inventory import load_inventory
from confvault.inventory.platform_files import load_platform_files, platforms_of_project
from confvault.platforms import get_platform, platform_names, project_platforms

VALID = r"""name: acme_ios
netmiko: cisco_ios
aliases: [acme]
comment_prefix: "! "
dialogue:
  prompt: '[\w.-]{1,100}[>#]'
  privileged_prompt: '[\w.-]{1,100}#'
  setup: [terminal length 0]
  pager: '--More--'
  login_answers:
    - {question: 'Accept\? \[y/n\]', answer: y}
commands:
  - command: show version
    as_comment: true
    keep: ['^Cisco IOS']
  - command: show running-config
    is_config: true
    enable: true
    read_timeout: 90
error_patterns: ['^% Invalid input']
volatile:
  - drop: '^Building configuration'
  - mask: '^(ntp clock-period) \d+$'
    replacement: '\1 <n>'
secrets:
  - mask: '^(snmp-server community) \S+'
    replacement: '\1 <removed>'
end_marker: '^end$'
required: ['^hostname ']
min_config_lines: 3
"""


@pytest.fixture
def platforms_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # messages show the path as the operator typed it
    folder = tmp_path / "platforms"
    folder.mkdir()
    return folder


def write(folder: Path, text: str, name: str = "acme_ios.yaml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_a_valid_file_becomes_a_platform_with_every_key(platforms_dir: Path) -> None:
    write(platforms_dir, VALID)
    (platform,) = load_platform_files(platforms_dir)
    assert platform.name == "acme_ios"
    assert platform.device_type == "cisco_ios"
    assert platform.aliases == ("acme",)
    assert [c.command for c in platform.commands] == ["show version", "show running-config"]
    assert platform.config_command.read_timeout == 90.0
    assert platform.config_command.enable
    assert platform.commands[0].as_comment
    assert platform.dialogue.setup == ("terminal length 0",)
    assert platform.dialogue.login_answers == ((r"Accept\? \[y/n\]", "y"),)
    assert [r.drops for r in platform.volatile] == [True, False]
    assert platform.secrets[0].replacement == r"\1 <removed>"
    assert platform.end_marker == "^end$"
    assert platform.required == ("^hostname ",)
    assert platform.min_config_lines == 3


def test_no_folder_means_no_project_platforms(tmp_path: Path) -> None:
    assert load_platform_files(tmp_path / "platforms") == ()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("name: acme_ios\n", "", "acme_ios.yaml:1: name: missing"),
        ("netmiko: cisco_ios\n", "", "acme_ios.yaml:1: netmiko: missing"),
        ('comment_prefix: "! "\n', "", "acme_ios.yaml:1: comment_prefix: missing"),
        ("name: acme_ios", "name: Acme IOS", "acme_ios.yaml:1: name: expected a lower-case name"),
        ("netmiko: cisco_ios", "netmiko: [x]", "acme_ios.yaml:2: netmiko: expected a lower-case"),
        (
            "min_config_lines: 3",
            "min_config_lines: 3\ncolour: red",
            "acme_ios.yaml:31: colour: unknown key (expected one of aliases, balanced_braces,",
        ),
        ("  pager:", "  paging:", "acme_ios.yaml:9: dialogue.paging: unknown key"),
        ("  prompt: '[\\w.-]{1,100}[>#]'\n", "", "acme_ios.yaml:6: dialogue.prompt: missing"),
        (
            "  prompt: '[\\w.-]{1,100}[>#]'",
            "  prompt: '[>#'",
            "acme_ios.yaml:6: dialogue.prompt: bad regex '[>#': unterminated character set",
        ),
        (
            "  setup: [terminal length 0]",
            "  setup: terminal length 0",
            "acme_ios.yaml:8: dialogue.setup: expected a list, got 'terminal length 0'",
        ),
        (
            "{question: 'Accept\\? \\[y/n\\]', answer: y}",
            "{question: 'Accept'}",
            "acme_ios.yaml:11: dialogue.login_answers[0].answer: missing",
        ),
        (
            "    keep: ['^Cisco IOS']",
            "    keep: ['^(Cisco']",
            "acme_ios.yaml:15: commands[0].keep: bad regex '^(Cisco'",
        ),
        (
            "  - command: show version\n    as_comment: true",
            "  - as_comment: true",
            "acme_ios.yaml:13: commands[0].command: missing",
        ),
        (
            "    read_timeout: 90",
            "    read_timeout: soon",
            "acme_ios.yaml:19: commands[1].read_timeout: expected seconds in (0, 86400]",
        ),
        (
            "    enable: true",
            "    enable: yes please",
            "acme_ios.yaml:18: commands[1].enable: expected true or false",
        ),
        ("    is_config: true\n", "", "acme_ios.yaml:12: commands: no command has is_config: true"),
        (
            "    as_comment: true",
            "    is_config: true",
            "acme_ios.yaml:12: commands: more than one is_config",
        ),
        (
            "    as_comment: true",
            "    as_comment: true\n    is_config: true",
            "acme_ios.yaml:14: commands[0].as_comment: the configuration command cannot be a "
            "comment",
        ),
        (
            "    read_timeout: 90",
            "    read_timeout: 90\n    timeout: 9",
            "acme_ios.yaml:20: commands[1].timeout: unknown key",
        ),
        (
            "  - drop: '^Building configuration'",
            "  - drop: '^Building ('",
            "acme_ios.yaml:22: volatile[0].drop: bad regex",
        ),
        (
            "  - drop: '^Building configuration'",
            "  - keep: x",
            "acme_ios.yaml:22: volatile[0].keep: unknown key",
        ),
        (
            "  - drop: '^Building configuration'",
            "  - replacement: x",
            "acme_ios.yaml:22: volatile[0]: needs exactly one of drop, mask",
        ),
        ("    replacement: '\\1 <n>'\n", "", "acme_ios.yaml:23: volatile[1].replacement: missing"),
        (
            "  - drop: '^Building configuration'",
            "  - drop: x\n    replacement: y",
            "acme_ios.yaml:23: volatile[0].replacement: only a mask rule has a replacement",
        ),
        (
            "    replacement: '\\1 <removed>'",
            "    replacement: x\n    within: '^/snmp'",
            "acme_ios.yaml:1: section_header: missing: a rule 'within' a section needs it",
        ),
        (
            "error_patterns: ['^% Invalid input']",
            "error_patterns: ['^% (']",
            "acme_ios.yaml:20: error_patterns: bad regex '^% ('",
        ),
        ("end_marker: '^end$'", "end_marker: '^(end$'", "acme_ios.yaml:28: end_marker: bad regex"),
        (
            "min_config_lines: 3",
            "min_config_lines: 0",
            "acme_ios.yaml:30: min_config_lines: expected a whole number >= 1, got 0",
        ),
        (
            "aliases: [acme]",
            "aliases: [ios]",
            "acme_ios.yaml: aliases: platform name 'ios' declared twice",
        ),
    ],
)
def test_each_mistake_is_one_line_naming_the_file_line_and_key(
    platforms_dir: Path, old: str, new: str, message: str
) -> None:
    assert old in VALID, old
    write(platforms_dir, VALID.replace(old, new, 1))
    with pytest.raises(ConfigError) as raised:
        load_platform_files(platforms_dir)
    text = str(raised.value)
    assert "\n" not in text
    assert text.startswith("platforms/"), text
    assert message in text, text


def test_malformed_yaml_and_a_non_mapping_name_the_file(platforms_dir: Path) -> None:
    write(platforms_dir, "name: [acme\n")
    with pytest.raises(ConfigError, match=r"^platforms/acme_ios.yaml:\d+: malformed YAML"):
        load_platform_files(platforms_dir)
    write(platforms_dir, "- just a list\n")
    with pytest.raises(ConfigError, match=r"^platforms/acme_ios\.yaml: file: expected a mapping"):
        load_platform_files(platforms_dir)


def test_an_alias_bomb_is_refused_by_the_shared_yaml_reader(platforms_dir: Path) -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
    for level in "bcdefgh":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [{', '.join([f'*{previous}'] * 10)}]\n"
    write(platforms_dir, bomb)
    with pytest.raises(ConfigError, match=r"^platforms/acme_ios\.yaml:\d+: .*alias"):
        load_platform_files(platforms_dir)


def test_two_files_with_one_name_are_refused(platforms_dir: Path) -> None:
    write(platforms_dir, VALID)
    write(platforms_dir, VALID.replace("[acme]", "[acme2]"), "other.yaml")
    with pytest.raises(
        ConfigError,
        match=r"other\.yaml: name: 'acme_ios' is also defined in platforms/acme_ios\.yaml",
    ):
        load_platform_files(platforms_dir)


def test_a_file_may_replace_a_built_in_and_says_so(
    platforms_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(
        platforms_dir,
        VALID.replace("name: acme_ios", "name: cisco_ios").replace("aliases: [acme]\n", ""),
        "cisco_ios.yaml",
    )
    with caplog.at_level(logging.WARNING), platforms_of_project(platforms_dir):
        replaced = get_platform("ios")  # the built-in's aliases follow when the file names none
        assert replaced.commands[0].keep == ("^Cisco IOS",)
        assert replaced is get_platform("cisco_ios")
    assert (
        "platform cisco_ios from platforms/cisco_ios.yaml replaces the built-in one" in caplog.text
    )
    assert get_platform("cisco_ios").commands[0].keep != ("^Cisco IOS",)  # built-in again


def test_project_platforms_are_known_only_inside_the_block(
    platforms_dir: Path, write_project: WriteProject
) -> None:
    write(platforms_dir, VALID)
    nornir = write_project(
        "r1:\n  hostname: 10.0.0.1\n  platform: acme\n",
        None,
        "username: u\npassword: p\ndata: {provider: acme}\n",
    )
    with platforms_of_project(platforms_dir) as platforms:
        assert "acme_ios" in platform_names()
        (device,) = load_inventory(nornir, env={}).devices
        assert device.platform == "acme_ios"
    assert "acme_ios" not in platform_names()
    with pytest.raises(ConfigError, match="unknown platform 'acme'"):
        load_inventory(nornir, env={})
    with project_platforms(platforms), project_platforms(()):
        assert "acme_ios" not in platform_names()  # the inner block wins, then the outer is back
    assert "acme_ios" not in platform_names()


def test_the_netmiko_class_must_be_one_netmiko_knows(platforms_dir: Path) -> None:
    write(platforms_dir, VALID.replace("netmiko: cisco_ios", "netmiko: cisco_iso"))
    known = {"cisco_ios", "cisco_xr", "juniper_junos"}
    with pytest.raises(ConfigError) as raised:
        load_platform_files(platforms_dir, known)
    assert str(raised.value) == (
        "platforms/acme_ios.yaml:2: netmiko: 'cisco_iso' is not a netmiko device_type "
        "(did you mean 'cisco_ios', 'cisco_xr'?)"
    )
    assert load_platform_files(platforms_dir) != ()  # unchecked without the list
