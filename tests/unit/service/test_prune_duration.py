"""``--older-than`` values: h, d and w only; anything else is a one-line ConfigError (exit 2)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from confvault.errors import EXIT_USAGE, ConfigError
from confvault.service.prune import parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90d", timedelta(days=90)),
        ("12h", timedelta(hours=12)),
        ("2w", timedelta(weeks=2)),
        (" 7D ", timedelta(days=7)),
        ("1h", timedelta(hours=1)),
    ],
)
def test_durations_in_hours_days_and_weeks(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    ["90", "90x", "d", "0d", "-3d", "1.5d", "ninety days", "3 months", "90m", "", "99999999999d"],
)
def test_anything_else_is_a_one_line_usage_error_naming_the_option(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_duration(text)
    assert caught.value.exit_code == EXIT_USAGE
    assert "--older-than" in str(caught.value)
    assert "\n" not in str(caught.value)
