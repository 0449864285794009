"""A failure's message is never cut: --json and the database get the whole line."""

from __future__ import annotations

import pytest
from netmiko.exceptions import ReadTimeout
from tests.unit.runner.fake_channel import FakeChannel, answer, connection

from confvault.models import ErrorClass
from confvault.platforms import OutputRejected, get_platform
from confvault.runner.dialogue import CliSession
from confvault.runner.tasks import classify, first_line

LONG = "no prompt after 'show running-config' " + "x" * 400


def test_first_line_keeps_the_whole_line() -> None:
    assert first_line(f"\n{LONG}\nCommon causes of this problem are:\n...") == LONG


def test_a_long_netmiko_message_is_classified_whole() -> None:
    error_class, message = classify(ReadTimeout(LONG), deadline_passed=False)
    assert error_class is ErrorClass.TIMEOUT
    assert message == LONG


def test_the_screen_a_device_shows_instead_of_a_prompt_is_quoted_whole() -> None:
    screen = "Select an option (1 = CLI, 2 = menu, 3 = logout) " + "-" * 120
    channel = FakeChannel([f"Welcome\r\n{screen}"], answer("R1>"))
    session = CliSession(connection(channel), get_platform("cisco_ios").dialogue)
    with pytest.raises(OutputRejected) as error:
        session.open(5.0)
    assert screen in error.value.message
