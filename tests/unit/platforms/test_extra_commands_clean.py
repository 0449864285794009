"""clean() with the operator's extra commands: comment blocks between version and configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tests.platform_data import DATA

from confvault.platforms import OutputRejected, clean, get_platform

CASE = DATA / "cisco_ios" / "extra-commands"
IOS = get_platform("cisco_ios")


def _typical_outputs() -> tuple[str, ...]:
    items = yaml.safe_load((DATA / "cisco_ios" / "typical" / "outputs.yaml").read_text("utf-8"))
    return tuple(item["output"] for item in items)


def _extra_outputs() -> list[tuple[str, str]]:
    items = yaml.safe_load((CASE / "extra-outputs.yaml").read_text(encoding="utf-8"))
    return [(item["command"], item["output"]) for item in items]


def test_recorded_case_gives_the_expected_file(update_golden: bool) -> None:
    archived = clean(IOS, _typical_outputs(), mask_secrets=False, extra_outputs=_extra_outputs())
    expected: Path = CASE / "expected.cfg"
    if update_golden:
        expected.write_text(archived, encoding="utf-8")
    assert archived == expected.read_text(encoding="utf-8")


def test_blocks_sit_after_the_version_block_and_before_the_configuration() -> None:
    plain = clean(IOS, _typical_outputs(), mask_secrets=False)
    archived = clean(IOS, _typical_outputs(), mask_secrets=False, extra_outputs=_extra_outputs())
    lines = archived.splitlines()
    start = lines.index("! --- show inventory ---")
    assert lines[start + 1] == '! NAME: "1", DESCR: "WS-C2960X-24PS-L"'
    assert lines.index("! --- show vlan brieff ---") > start
    assert lines.index("version 15.2") > lines.index("! --- show vlan brieff ---")
    assert lines.index("! Configuration register is 0xF") < start
    # take the blocks out and the file is byte for byte the one archived without them
    last = "! refused by the device: % Invalid input detected at '^' marker.\n"
    blocks = archived[archived.index("! --- show inventory ---") : archived.index(last) + len(last)]
    assert archived.replace(blocks, "") == plain


def test_a_refused_extra_command_is_noted_and_the_backup_kept() -> None:
    archived = clean(IOS, _typical_outputs(), mask_secrets=False, extra_outputs=_extra_outputs())
    assert (
        "! --- show vlan brieff ---\n"
        "! refused by the device: % Invalid input detected at '^' marker.\n"
    ) in archived
    assert archived.rstrip().endswith("end")


def test_volatile_lines_of_an_extra_output_are_dropped() -> None:
    archived = clean(IOS, _typical_outputs(), mask_secrets=False, extra_outputs=_extra_outputs())
    inventory = archived.split("! --- show inventory ---")[1].split("! --- show vlan")[0]
    assert "uptime is" not in inventory
    assert "! PID: C2960X-STACK      , VID: V01  , SN: FOC12340Z9Q" in inventory


def test_secrets_in_an_extra_output_are_masked_when_asked() -> None:
    extra = [("show running-config | include snmp", "snmp-server community s3cr3t-ro RO")]
    shown = clean(IOS, _typical_outputs(), mask_secrets=False, extra_outputs=extra)
    hidden = clean(IOS, _typical_outputs(), mask_secrets=True, extra_outputs=extra)
    assert "s3cr3t-ro" in shown
    assert "s3cr3t-ro" not in hidden
    assert "! --- show running-config | include snmp ---" in hidden


def test_an_empty_extra_output_says_so() -> None:
    archived = clean(
        IOS, _typical_outputs(), mask_secrets=False, extra_outputs=[("show x", "\r\n")]
    )
    assert "! --- show x ---\n! (no output)\n" in archived


def test_a_garbled_extra_output_fails_the_device_as_incomplete() -> None:
    with pytest.raises(OutputRejected) as caught:
        clean(IOS, _typical_outputs(), mask_secrets=False, extra_outputs=[("show x", "ok\x00")])
    assert "show x output contains a non-printable character (U+0000)" in caught.value.message


def test_a_refused_platform_command_still_fails_the_device() -> None:
    outputs = list(_typical_outputs())
    outputs[0] = "% Invalid input detected at '^' marker."
    with pytest.raises(OutputRejected):
        clean(IOS, outputs, mask_secrets=False, extra_outputs=_extra_outputs())
