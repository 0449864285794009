"""CliSession over a fake channel: prompts, login questions, enable, pagers, echoes, a lost channel.

The raw text the dialogue returns is what ``platforms.clean`` normalises, so the recorded golden
cases describe the live path too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from netmiko.exceptions import NetmikoAuthenticationException, ReadException, ReadTimeout
from tests.unit.runner.fake_channel import FakeChannel, answer, connection, in_lines

from confvault.models import ErrorClass
from confvault.platforms import OutputRejected, clean, get_platform
from confvault.platforms.clean import normalise
from confvault.runner.dialogue import CliSession
from confvault.runner.tasks import classify

GOLDEN = Path(__file__).parents[2] / "data" / "platforms" / "cisco_ios" / "ansi-and-pager-erase"
IOS = get_platform("cisco_ios")


def session(channel: FakeChannel, platform: str = "cisco_ios", secret: str = "") -> CliSession:
    return CliSession(connection(channel, secret), get_platform(platform).dialogue)


def test_login_finds_the_prompt_after_a_banner_and_sends_the_set_up_commands() -> None:
    channel = FakeChannel(
        ["\r\nAuthorised access only\r\n\r\n", "acc-sw1", ">"], answer("acc-sw1>")
    )
    cli = session(channel)
    assert cli.open(5.0) == "acc-sw1>"
    assert channel.written == [f"{c}\n" for c in IOS.dialogue.setup]


def test_a_login_question_is_answered_before_the_cli() -> None:
    greeting = ["Warning: The password has expired.\r\n", "Change now? [Y/N]:"]
    channel = FakeChannel(greeting, answer("<HUAWEI>"))
    cli = session(channel, "huawei")
    assert cli.open(5.0) == "<HUAWEI>"
    assert channel.written[0] == "N\n"


def test_a_screen_that_never_shows_a_prompt_is_rejected_not_retried() -> None:
    channel = FakeChannel(["Press any key to continue"], answer("R1>"))
    with pytest.raises(OutputRejected, match="no CLI prompt appeared") as error:
        session(channel).open(5.0)
    assert error.value.error_class is ErrorClass.REJECTED


def enable_device(secret: str) -> FakeChannel:
    prompt = {"now": "R1>"}

    def reply(line: str) -> list[str]:
        if line == "enable":
            return ["enable\r\n", "Password: "]
        if prompt["now"] == "R1>" and line in (secret, "wrong"):
            if line == secret:
                prompt["now"] = "R1#"
            return ["\r\n", prompt["now"]]
        return answer(prompt["now"])(line)

    return FakeChannel(["R1>"], reply)


def test_enable_answers_the_password_question_with_the_secret() -> None:
    channel = enable_device("s3cret")
    cli = session(channel, secret="s3cret")
    cli.open(5.0)
    cli.enable(5.0)
    assert cli.prompt == "R1#"


def test_a_wrong_enable_secret_is_an_authentication_failure() -> None:
    channel = enable_device("s3cret")
    cli = session(channel, secret="wrong")
    cli.open(5.0)
    with pytest.raises(NetmikoAuthenticationException, match="enable secret rejected"):
        cli.enable(5.0)


def test_output_stopping_at_a_pager_is_refused() -> None:
    def reply(line: str) -> list[str]:
        if line == "show running-config":
            return [f"{line}\r\n", "hostname R1\r\ninterface Gi0/1\r\n", " --More-- "]
        return answer("R1#")(line)

    cli = session(FakeChannel(["R1#"], reply))
    cli.open(5.0)
    with pytest.raises(OutputRejected, match="stopped at a pager prompt") as error:
        cli.send("show running-config", 5.0)
    assert error.value.error_class is ErrorClass.REJECTED


def test_output_starts_after_the_echo_even_with_a_stale_prompt_before_it() -> None:
    def reply(line: str) -> list[str]:
        if line == "show clock":
            return ["R1#", "show cl", "ock\r", "\n10:00:00 UTC\r\n", "R1#"]
        return answer("R1#")(line)

    cli = session(FakeChannel(["R1#"], reply))
    cli.open(5.0)
    assert clean_lines(cli.send("show clock", 5.0)) == ["10:00:00 UTC"]


def test_a_config_line_holding_the_prompt_text_does_not_end_the_read() -> None:
    body = "hostname R1\r\ndescription uplink to R1#"
    rest = " port 2\r\nR1#x\r\nend\r\n"

    def reply(line: str) -> list[str]:
        return [f"{line}\r\n", body, rest, "R1#"] if line == "show run" else answer("R1#")(line)

    cli = session(FakeChannel(["R1#"], reply))
    cli.open(5.0)
    lines = clean_lines(cli.send("show run", 5.0))
    assert lines == ["hostname R1", "description uplink to R1# port 2", "R1#x", "end"]


def test_a_channel_closed_mid_output_is_a_disconnect() -> None:
    def reply(line: str) -> list[str]:
        if line == "show run":
            channel.closed = True
            return [f"{line}\r\n", "hostname R1\r\n"]
        return answer("R1#")(line)

    channel = FakeChannel(["R1#"], reply)
    cli = session(channel)
    cli.open(5.0)
    with pytest.raises(ReadException, match="closed by remote") as error:
        cli.send("show run", 5.0)
    assert classify(error.value, deadline_passed=False)[0] is ErrorClass.DISCONNECTED


def test_a_silent_device_times_out() -> None:
    cli = session(FakeChannel(["R1#"], lambda line: []))
    with pytest.raises(ReadTimeout, match="within the read timeout"):
        cli.send("show run", 5.0)


def clean_lines(raw: str) -> list[str]:
    return normalise(raw)


def test_a_pager_eraser_read_live_is_cleaned_like_the_golden_case() -> None:
    recorded = yaml.safe_load((GOLDEN / "outputs.yaml").read_text(encoding="utf-8"))
    outputs = {item["command"]: item["output"] for item in recorded}
    assert tuple(outputs) == tuple(c.command for c in IOS.commands)
    prompt = "acc-sw1#"
    whole = answer(prompt, outputs)

    def reply(line: str) -> list[str]:
        return [piece for chunk in whole(line) for piece in in_lines(chunk)]

    cli = session(FakeChannel([prompt], reply))
    cli.open(5.0)
    live = [cli.send(command, 5.0) for command in outputs]

    assert any("--More--" in text and "\b" in text for text in live)  # the eraser reached clean
    expected = (GOLDEN / "expected.cfg").read_text(encoding="utf-8")
    assert clean(IOS, live, mask_secrets=False) == expected
    assert clean(IOS, list(outputs.values()), mask_secrets=False) == expected
