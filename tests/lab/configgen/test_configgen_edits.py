"""Edits of a body (mutate_body), Junos structure, and the generators' speed."""

from __future__ import annotations

import difflib
import time
from datetime import UTC, datetime

import pytest

from confvault_lab import configgen as g
from confvault_lab.errors import LabError

NOW = datetime(2026, 11, 25, 10, 20, 1, tzinfo=UTC)


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.unified_diff(before.split("\n"), after.split("\n"), lineterm="", n=0))
    removed = [d[1:] for d in diff if d.startswith("-") and not d.startswith("---")]
    added = [d[1:] for d in diff if d.startswith("+") and not d.startswith("+++")]
    return removed, added


@pytest.mark.parametrize("platform", g.PLATFORMS)
def test_each_edit_changes_one_or_two_lines_and_keeps_the_structure(platform: str) -> None:
    body = g.generate_body(platform, "br-rt5", 20_000)
    outcomes = set()
    for n in range(6):
        edited = g.mutate_body(platform, body, n)
        assert edited == g.mutate_body(platform, body, n)
        removed, added = changed_lines(body, edited)
        assert 1 <= len(removed) + len(added) <= 2
        assert len(added) == 1
        output = g.render_config(platform, "br-rt5", edited, NOW, n)
        last = output.split("\n")[-1]
        assert last == g.render_config(platform, "br-rt5", body, NOW, n).split("\n")[-1]
        assert all(s in edited for s in g.planted_secrets(platform, "br-rt5"))
        outcomes.add(edited)
    assert len(outcomes) == 6


@pytest.mark.parametrize("platform", g.PLATFORMS)
def test_edits_accumulate_like_a_changing_device(platform: str) -> None:
    body = g.generate_body(platform, "br-rt6", 5_000)
    edited = body
    for n in range(1, 11):
        edited = g.mutate_body(platform, edited, n)
    removed, added = changed_lines(body, edited)
    assert 5 <= len(added) <= 10
    assert len(removed) <= 5


def test_edit_adds_a_valid_static_route_and_rewrites_a_description() -> None:
    body = g.generate_body("cisco_ios", "br-rt7", 20_000)
    _, added = changed_lines(body, g.mutate_body("cisco_ios", body, 1))
    assert added[0].startswith("ip route 100.64.0.1 255.255.255.255 10.")
    removed, added = changed_lines(body, g.mutate_body("cisco_ios", body, 2))
    assert removed[0].startswith(" description ")
    assert added[0].startswith(" description ")
    assert added[0].endswith("CHG0000002")


def test_junos_edit_keeps_quotes_and_semicolons() -> None:
    body = g.generate_body("juniper_junos", "mx1", 20_000)
    _, route = changed_lines(body, g.mutate_body("juniper_junos", body, 3))
    _, description = changed_lines(body, g.mutate_body("juniper_junos", body, 4))
    assert route[0].strip().startswith("route 100.64.0.3/32 next-hop ")
    assert route[0].endswith(";")
    assert description[0].strip().startswith('description "')
    assert description[0].endswith('CHG0000004";')


def test_body_without_anything_to_edit_is_a_lab_error() -> None:
    with pytest.raises(LabError, match="huawei"):
        g.mutate_body("huawei", "#\n sysname sw1\n#", 1)


@pytest.mark.parametrize("size", [2_000, 20_000, 200_000])
def test_junos_braces_and_indentation_are_consistent(size: int) -> None:
    body = g.generate_body("juniper_junos", "mx2", size)
    depth = 0
    for line in body.split("\n")[1:]:
        if line.endswith("}"):
            depth -= 1
        assert line == "    " * depth + line.lstrip(" "), line
        assert line.endswith(("{", "}", ";", "; ## SECRET-DATA")), line
        if line.endswith("{"):
            depth += 1
        assert depth >= 0
    assert depth == 0


def test_routeros_continuations_are_well_formed() -> None:
    body = g.generate_body("mikrotik_routeros", "hap1", 50_000)
    lines = body.split("\n")
    wrapped = [i for i, line in enumerate(lines) if line.endswith(" \\")]
    assert wrapped
    for i in wrapped:
        assert lines[i + 1].startswith("    ")
        assert lines[i].count('"') % 2 == 0
    assert all(line.startswith(("/", "add ", "set ", "    ")) for line in lines)


def test_generation_and_rendering_are_fast() -> None:
    # Target: 3,000 bodies of 20 KB in well under 10 s (about 1 ms each when measured alone).
    # CPU time, not wall time, so other suites sharing the two cores do not make it flaky; the
    # bound is loose but still catches a quadratic slip or a regex pass per line.
    started = time.process_time()
    bodies = [g.generate_body(p, f"perf-{i}", 20_000) for i in range(30) for p in g.PLATFORMS]
    per_body = (time.process_time() - started) / len(bodies)
    assert per_body < 0.020
    started = time.process_time()
    for i, body in enumerate(bodies[:8]):
        for session in range(100):
            g.render_config(g.PLATFORMS[i], "perf-0", body, NOW, session)
    assert (time.process_time() - started) / 800 < 0.001
