"""The lab's generated device outputs (confvault_lab.configgen) through the real platform rules.

Both sides follow docs/platform-contract.md; this is where a drift between them shows first.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from confvault.models import ErrorClass
from confvault.platforms import OutputRejected, clean, get_platform, platform_names
from confvault_lab import configgen
from confvault_lab.device import without_end_marker

BOOT = datetime(2026, 11, 1, 3, 4, 5, tzinfo=UTC)
FIRST = datetime(2026, 11, 25, 10, 20, 1, tzinfo=UTC)
LATER = FIRST + timedelta(days=3, hours=5, minutes=7, seconds=13)


def _outputs(name: str, body: str, now: datetime, session: int) -> list[str]:
    return [
        configgen.render_version(name, "core-sw1", now, BOOT),
        configgen.render_config(name, "core-sw1", body, now, session),
    ]


def test_the_lab_and_the_rules_know_the_same_platforms() -> None:
    assert set(configgen.PLATFORMS) == set(platform_names())


@pytest.mark.parametrize("name", platform_names())
def test_a_later_session_of_an_unchanged_device_archives_the_same_bytes(name: str) -> None:
    platform = get_platform(name)
    body = configgen.generate_body(name, "core-sw1", 20_000)
    first = clean(platform, _outputs(name, body, FIRST, 1), mask_secrets=False)
    later = clean(platform, _outputs(name, body, LATER, 2), mask_secrets=False)
    assert first == later


@pytest.mark.parametrize("name", platform_names())
def test_a_real_edit_changes_the_archived_bytes(name: str) -> None:
    platform = get_platform(name)
    body = configgen.generate_body(name, "core-sw1", 20_000)
    edited = configgen.mutate_body(name, body, 1)
    before = clean(platform, _outputs(name, body, FIRST, 1), mask_secrets=True)
    after = clean(platform, _outputs(name, edited, FIRST, 1), mask_secrets=True)
    assert before != after


@pytest.mark.parametrize("name", platform_names())
def test_planted_secrets_are_masked_only_when_asked(name: str) -> None:
    platform = get_platform(name)
    body = configgen.generate_body(name, "core-sw1", 20_000)
    outputs = _outputs(name, body, FIRST, 1)
    masked = clean(platform, outputs, mask_secrets=True)
    plain = clean(platform, outputs, mask_secrets=False)
    secrets = configgen.planted_secrets(name, "core-sw1")
    assert secrets
    assert [s for s in secrets if s in masked] == []
    assert [s for s in secrets if s not in plain] == []


@pytest.mark.parametrize("name", platform_names())
def test_the_labs_truncated_session_is_refused_as_incomplete(name: str) -> None:
    body = configgen.generate_body(name, "core-sw1", 20_000)
    version, config = _outputs(name, body, FIRST, 1)
    with pytest.raises(OutputRejected) as caught:
        clean(get_platform(name), [version, without_end_marker(name, config)], mask_secrets=False)
    assert caught.value.error_class is ErrorClass.INCOMPLETE
    assert "truncated" in str(caught.value)


@pytest.mark.parametrize("name", platform_names())
def test_binary_noise_instead_of_a_configuration_is_refused(name: str) -> None:
    # What netmiko makes of the lab's garbage fault: random bytes decoded with errors="ignore".
    noise = random.Random(name).randbytes(4096).decode("utf-8", "ignore") + "\r\n"
    version = configgen.render_version(name, "core-sw1", FIRST, BOOT)
    with pytest.raises(OutputRejected) as caught:
        clean(get_platform(name), [version, noise], mask_secrets=False)
    assert caught.value.error_class is ErrorClass.INCOMPLETE
    assert "non-printable" in str(caught.value)
