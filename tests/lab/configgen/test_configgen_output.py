"""The lab's configuration generators: determinism, size, end markers, volatile lines, secrets."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from tests.lab.expectations import expectations, failed_end_checks, lab_yaml_platforms

from confvault_lab import configgen as g
from confvault_lab.errors import LabError

NOW = datetime(2026, 11, 25, 10, 20, 1, 123000, tzinfo=UTC)
LATER = datetime(2026, 12, 2, 23, 59, 58, 987000, tzinfo=UTC)
BOOT = NOW - timedelta(weeks=1, days=2, hours=3, minutes=4, seconds=5)


def stable_lines(text: str, patterns: tuple[str, ...]) -> list[str]:
    compiled = [re.compile(p) for p in patterns]
    return [line for line in text.split("\n") if not any(p.search(line) for p in compiled)]


def test_every_lab_platform_has_a_lab_yaml_and_every_lab_yaml_a_platform() -> None:
    assert set(g.PLATFORMS) == lab_yaml_platforms()


def test_platform_table_matches_the_contract() -> None:
    assert g.CONFIG_COMMANDS["cisco_ios"][0] == "show running-config"
    assert g.CONFIG_COMMANDS["juniper_junos"][0] == "show configuration"
    assert g.CONFIG_COMMANDS["mikrotik_routeros"] == ("/export",)
    assert g.CONFIG_COMMANDS["huawei"] == g.CONFIG_COMMANDS["hp_comware"]
    assert g.VERSION_COMMANDS["mikrotik_routeros"] == ("/system resource print",)
    assert g.VERSION_COMMANDS["huawei"] == ("display version",)
    assert set(g.CONFIG_COMMANDS) == set(g.VERSION_COMMANDS) == set(g.PLATFORMS)


@pytest.mark.parametrize("platform", g.PLATFORMS)
def test_body_is_deterministic_and_device_specific(platform: str) -> None:
    body = g.generate_body(platform, "core-sw1", 8_000)
    assert body == g.generate_body(platform, "core-sw1", 8_000)
    assert body != g.generate_body(platform, "core-sw2", 8_000)
    assert expectations(platform).hostname_line.format("core-sw1") in body.split("\n")


def test_bodies_are_identical_in_another_process() -> None:
    # String hashing is salted per process; the generators must not depend on it.
    script = (
        "import hashlib; from confvault_lab import configgen as g; "
        "print(hashlib.sha256(''.join(g.generate_body(p, 'edge-7', 5000) "
        "for p in g.PLATFORMS).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    here = "".join(g.generate_body(p, "edge-7", 5000) for p in g.PLATFORMS)
    assert other.stdout.strip() == hashlib.sha256(here.encode()).hexdigest()


@pytest.mark.parametrize(
    "size", [2_000, 20_000, 300_000, pytest.param(2_000_000, marks=pytest.mark.slow)]
)
@pytest.mark.parametrize("platform", g.PLATFORMS)
def test_body_size_is_within_ten_percent(platform: str, size: int) -> None:
    body = g.generate_body(platform, "dist-rt3", size)
    assert 0.9 * size <= len(body) <= 1.1 * size


@pytest.mark.parametrize("platform", g.PLATFORMS)
def test_rendered_config_has_the_platform_end_structure(platform: str) -> None:
    for size in (2_000, 30_000):
        body = g.generate_body(platform, "edge-rt1", size)
        output = g.render_config(platform, "edge-rt1", body, NOW, 1)
        assert not failed_end_checks(platform, output)
        assert body in output or platform == "cisco_ios"  # IOS fills the clock-period token


@pytest.mark.parametrize("platform", g.PLATFORMS)
def test_two_sessions_differ_only_in_volatile_lines(platform: str) -> None:
    body = g.generate_body(platform, "agg-sw4", 20_000)
    first = g.render_config(platform, "agg-sw4", body, NOW, 1)
    second = g.render_config(platform, "agg-sw4", body, LATER, 2)
    patterns = expectations(platform).config_volatile
    assert stable_lines(first, patterns) == stable_lines(second, patterns)
    if patterns:  # the volatile lines are really there and really move
        assert first != second
        assert len(stable_lines(first, patterns)) < len(first.split("\n"))


@pytest.mark.parametrize("platform", g.PLATFORMS)
def test_version_output_differs_only_in_volatile_lines(platform: str) -> None:
    first = g.render_version(platform, "agg-sw4", NOW, BOOT)
    second = g.render_version(platform, "agg-sw4", LATER, BOOT - timedelta(days=3))
    patterns = expectations(platform).version_volatile
    assert stable_lines(first, patterns) == stable_lines(second, patterns)
    assert (first != second) == bool(patterns)
    assert "\n\n\n" not in first
    assert first == first.rstrip()
    assert first[0] != "\n"


def test_version_uptime_reflects_boot_time() -> None:
    uptime = "agg-sw4 uptime is 1 week, 2 days, 3 hours, 4 minutes"
    assert uptime in g.render_version("cisco_ios", "agg-sw4", NOW, BOOT).split("\n")
    eos = g.render_version("arista_eos", "agg-sw4", NOW, BOOT)
    assert "Uptime: 1 week, 2 days, 3 hours and 4 minutes" in eos.split("\n")
    ros = g.render_version("mikrotik_routeros", "agg-sw4", NOW, BOOT)
    assert "                   uptime: 1w2d3h4m5s" in ros.split("\n")
    nxos = g.render_version("cisco_nxos", "agg-sw4", NOW, BOOT)
    assert "Kernel uptime is 9 day(s), 3 hour(s), 4 minute(s), 5 second(s)" in nxos


def test_ios_clock_period_is_a_placeholder_filled_per_session() -> None:
    body = g.generate_body("cisco_ios", "acc-sw9", 20_000)
    assert "ntp clock-period " not in body.replace("ntp clock-period @@NTP_CLOCK_PERIOD@@", "")
    edited = body.replace("ip ssh version 2", "ip ssh version 2\nip ssh time-out 60")
    periods = {
        line
        for n in range(5)
        for line in g.render_config("cisco_ios", "acc-sw9", edited, NOW, n).split("\n")
        if line.startswith("ntp clock-period ")
    }
    assert len(periods) == 5
    assert all(re.fullmatch(r"ntp clock-period \d{8}", line) for line in periods)


def test_ios_header_counts_the_configuration_bytes() -> None:
    body = g.generate_body("cisco_ios", "acc-sw9", 20_000)
    output = g.render_config("cisco_ios", "acc-sw9", body, NOW, 3)
    lines = output.split("\n")
    assert lines[:2] == ["Building configuration...", ""]
    counted = int(lines[2].split(" : ")[1].split()[0])
    assert counted == len("\n".join(lines[3:])) + 1


@pytest.mark.parametrize("platform", g.PLATFORMS)
def test_every_planted_secret_is_in_every_body(platform: str) -> None:
    secrets = g.planted_secrets(platform, "pe-router2")
    assert len(secrets) >= 3
    assert len(set(secrets)) == len(secrets)
    assert set(secrets).isdisjoint(g.planted_secrets(platform, "pe-router3"))
    for size in (2_000, 20_000):
        body = g.generate_body(platform, "pe-router2", size)
        missing = [s for s in secrets if s not in body]
        assert not missing


@pytest.mark.parametrize(
    "platform", [p for p in g.PLATFORMS if expectations(p).secret_line is not None]
)
def test_secrets_sit_in_the_contract_syntax(platform: str) -> None:
    line_pattern = expectations(platform).secret_line
    assert line_pattern is not None
    body = g.generate_body(platform, "pe-router2", 20_000)
    found = {m.group(1) for m in re.finditer(line_pattern, body, re.MULTILINE)}
    assert found
    assert found <= set(g.planted_secrets(platform, "pe-router2"))


@pytest.mark.parametrize("call", ["body", "render", "version", "mutate", "secrets"])
def test_unknown_platform_is_a_lab_error_naming_it(call: str) -> None:
    calls: dict[str, Callable[[], object]] = {
        "body": lambda: g.generate_body("cisco_pix", "fw1"),
        "render": lambda: g.render_config("cisco_pix", "fw1", "x", NOW, 1),
        "version": lambda: g.render_version("cisco_pix", "fw1", NOW, BOOT),
        "mutate": lambda: g.mutate_body("cisco_pix", "x", 1),
        "secrets": lambda: g.planted_secrets("cisco_pix", "fw1"),
    }
    with pytest.raises(LabError, match="cisco_pix"):
        calls[call]()


@pytest.mark.parametrize("size", [100, 3_000_000])
def test_size_out_of_range_is_a_lab_error(size: int) -> None:
    with pytest.raises(LabError, match=str(size)):
        g.generate_body("huawei", "sw1", size)
