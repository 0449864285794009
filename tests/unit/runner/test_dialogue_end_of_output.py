"""A configuration line that is exactly the prompt, with the output pausing after it, does not end
the read: the empty line sent after the command is answered only once the output has ended."""

from __future__ import annotations

from tests.unit.runner.fake_channel import FakeChannel, answer, connection

from confvault.platforms import get_platform
from confvault.runner.dialogue import CliSession

CONFIG = "show running-config"


def device(chunks: list[str], prompt: str) -> FakeChannel:
    """Answers CONFIG with ``chunks`` (one read each: a read boundary is the pause), anything
    else as a plain device; the greeting is the prompt."""
    plain = answer(prompt)

    def reply(line: str) -> list[str]:
        return [f"{line}\r\n", *chunks] if line == CONFIG else plain(line)

    return FakeChannel([prompt], reply)


def session(channel: FakeChannel, platform: str) -> CliSession:
    cli = CliSession(connection(channel), get_platform(platform).dialogue)
    cli.open(5.0)
    return cli


def test_a_prompt_shaped_banner_line_before_a_pause_is_output_not_the_end() -> None:
    chunks = ["banner motd ^C\r\nR1#", "\r\n^C\r\nline vty 0 4\r\nend\r\n", "R1#"]
    cli = session(device(chunks, "R1#"), "cisco_ios")
    output = cli.send(CONFIG, 5.0, confirm_end=True)
    assert output.replace("\r\n", "\n") == "banner motd ^C\nR1#\n^C\nline vty 0 4\nend\n"


def test_the_empty_line_is_answered_and_nothing_is_left_for_the_next_command() -> None:
    channel = device(["hostname R1\r\nend\r\n", "R1#"], "R1#")
    cli = session(channel, "cisco_ios")
    assert cli.send(CONFIG, 5.0, confirm_end=True).replace("\r\n", "\n") == "hostname R1\nend\n"
    assert channel.written[-2:] == [f"{CONFIG}\n", "\n"]
    assert cli.send("show clock", 5.0) == ""


def test_junos_chassis_lines_between_the_two_prompts_are_skipped() -> None:
    prompt = "\r\n{master:0}\r\nadmin@r1> "
    chunks = ["system {\r\n    host-name r1;\r\n}\r\n", prompt]
    channel = device(chunks, prompt)
    cli = session(channel, "juniper_junos")
    output = cli.send(CONFIG, 5.0, confirm_end=True)
    assert "host-name r1;" in output
    assert "admin@r1>" not in output
