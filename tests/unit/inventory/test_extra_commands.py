"""data.extra_commands: inherited like other data keys, checked where written, read-only only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from confvault.inventory import InventoryProblemsError, load_inventory

WriteProject = Callable[..., Path]  # the write_project fixture (conftest.py)

DEFAULTS = """\
platform: cisco_ios
username: u
password: p
data:
  provider: acme
  extra_commands: [show inventory]
"""
GROUPS = """\
core:
  data:
    extra_commands: [show vlan brief, show inventory]
"""


def _by_name(nornir_config: Path) -> dict[str, tuple[str, ...]]:
    inventory = load_inventory(nornir_config, env={})
    return {d.name: d.extra_commands for d in inventory.devices}


def test_host_then_groups_then_defaults_each_level_replaces_the_whole_list(
    write_project: WriteProject,
) -> None:
    hosts = """\
plain:
  hostname: 10.0.0.1
in-core:
  hostname: 10.0.0.2
  groups: [core]
own:
  hostname: 10.0.0.3
  groups: [core]
  data: {extra_commands: ["  show license  "]}
none:
  hostname: 10.0.0.4
  data: {extra_commands: []}
"""
    commands = _by_name(write_project(hosts, GROUPS, DEFAULTS))
    assert commands == {
        "plain": ("show inventory",),
        "in-core": ("show vlan brief", "show inventory"),
        "own": ("show license",),
        "none": (),
    }


def test_no_extra_commands_by_default(write_project: WriteProject) -> None:
    defaults = "platform: ios\nusername: u\npassword: p\ndata: {provider: acme}\n"
    assert _by_name(write_project("r1:\n  hostname: a\n", None, defaults)) == {"r1": ()}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("show inventory", "expected a list of commands"),
        ("[show version, 3]", "expected a list of commands"),
        ('["  "]', "expected each command non-empty on one line"),
        ('["show vlan\\nreload"]', "expected each command non-empty on one line"),
        ("[conf t]", "'conf t' would change the device"),
        ("[configure terminal]", "'configure terminal' would change the device"),
        ("[write memory]", "'write memory' would change the device"),
        ("[wr]", "'wr' would change the device"),
        ("[copy run start]", "'copy run start' would change the device"),
        ("[Reload]", "'Reload' would change the device"),
        ("[clear counters]", "'clear counters' would change the device"),
        ("[request system reboot]", "would change the device"),
        ("[set system host-name x]", "would change the device"),
        ("[delete flash:x.bin]", "would change the device"),
        ("[erase startup-config]", "would change the device"),
        ("[rel]", "'rel' would change the device"),  # IOS takes any unique abbreviation
        ("[cop run start]", "'cop run start' would change the device"),
        ("[req system reboot]", "would change the device"),
        ("[wri mem]", "would change the device"),
        ("[cl counters]", "would change the device"),
        ("[sys]", "would change the device"),
        ("[clear-counters]", "would change the device"),
        ('["show run | redirect flash:x"]', "would write a file on the device"),
        ('["show run | tee flash:x"]', "would write a file on the device"),
        ('["show configuration | save /var/tmp/x"]', "would write a file on the device"),
        ('["show run > bootflash:x"]', "would write a file on the device"),
    ],
)
def test_refused_values_are_one_problem_naming_the_host_and_key(
    write_project: WriteProject, value: str, message: str
) -> None:
    hosts = f"r1:\n  hostname: a\n  data:\n    extra_commands: {value}\n"
    defaults = "platform: ios\nusername: u\npassword: p\ndata: {provider: acme}\n"
    with pytest.raises(InventoryProblemsError) as caught:
        load_inventory(write_project(hosts, None, defaults), env={})
    problems = caught.value.problems
    assert len(problems) == 1
    assert "host 'r1': data.extra_commands: " in problems[0]
    assert message in problems[0]


def test_a_bad_list_in_a_group_is_reported_once_not_per_host(write_project: WriteProject) -> None:
    groups = "core:\n  data:\n    extra_commands: [reload in 5]\n"
    hosts = "".join(f"r{i}:\n  hostname: a{i}\n  groups: [core]\n" for i in range(3))
    with pytest.raises(InventoryProblemsError) as caught:
        load_inventory(write_project(hosts, groups, DEFAULTS), env={})
    assert [p for p in caught.value.problems if "extra_commands" in p] == [
        "inventory/groups.yaml:3: group 'core': data.extra_commands: 'reload in 5' would change "
        "the device ('reload' commands are refused: confvault only reads)"
    ]


def test_read_commands_and_their_abbreviations_are_kept(write_project: WriteProject) -> None:
    commands = ["sh ver", "show inventory", "dis cur", "display license", "dir flash:", "more x"]
    hosts = f"r1:\n  hostname: a\n  data:\n    extra_commands: {commands}\n"
    defaults = "platform: ios\nusername: u\npassword: p\ndata: {provider: acme}\n"
    assert _by_name(write_project(hosts, None, defaults)) == {"r1": tuple(commands)}


def test_the_platforms_own_paging_command_is_not_refused(write_project: WriteProject) -> None:
    hosts = "r1:\n  hostname: a\n  data:\n    extra_commands: [set cli screen-length 0]\n"
    defaults = "platform: junos\nusername: u\npassword: p\ndata: {provider: acme}\n"
    assert _by_name(write_project(hosts, None, defaults)) == {"r1": ("set cli screen-length 0",)}


def test_a_misspelt_key_is_reported(write_project: WriteProject) -> None:
    hosts = "r1:\n  hostname: a\n  data:\n    extra_command: [show inventory]\n"
    defaults = "platform: ios\nusername: u\npassword: p\ndata: {provider: acme}\n"
    with pytest.raises(InventoryProblemsError) as caught:
        load_inventory(write_project(hosts, None, defaults), env={})
    assert any("did you mean 'extra_commands'?" in p for p in caught.value.problems)


def test_a_filtering_pipe_is_a_read(write_project: WriteProject) -> None:
    hosts = """r1:\n  hostname: a\n  data:\n    extra_commands: ["show run | include snmp"]\n"""
    defaults = "platform: ios\nusername: u\npassword: p\ndata: {provider: acme}\n"
    assert _by_name(write_project(hosts, None, defaults)) == {"r1": ("show run | include snmp",)}
