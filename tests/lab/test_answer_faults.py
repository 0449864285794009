"""The lab faults for devices as they really answer, seen in a raw shell: command authorisation
before enable, no host-name, the Junos chassis line, a prompt-shaped line and a pause."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from confvault_lab import Lab, parse_spec
from confvault_lab.device import LabDevice

from .test_platforms import _shell

pytestmark = pytest.mark.integration

FAULTS = {
    ("cisco_ios", "authz"): "command_authorisation",
    ("arista_eos", "authz"): "command_authorisation",
    ("cisco_ios", "anon"): "no_hostname",
    ("juniper_junos", "anon"): "no_hostname",
    ("juniper_junos", "vc"): "chassis_state",
    ("cisco_ios", "banner"): "prompt_in_output",
}


@pytest.fixture(scope="module")
def answer_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    groups = [
        {"platform": p, "provider": provider, "count": 1, "size": 3000, "faults": {1: fault}}
        for (p, provider), fault in FAULTS.items()
    ]
    with Lab(parse_spec({"groups": groups}), tmp_path_factory.mktemp("answers")) as lab:
        yield lab


def _device(lab: Lab, platform: str, provider: str) -> LabDevice:
    return next(d for d in lab.devices if (d.platform, d.provider) == (platform, provider))


def _run(device: LabDevice, lines: list[str], until: list[str]) -> str:
    return asyncio.run(_shell(device.address, device.port, "admin", lines, until))


def test_command_authorisation_refuses_show_version_until_enable(answer_lab: Lab) -> None:
    ios = _device(answer_lab, "cisco_ios", "authz")
    text = _run(
        ios,
        ["show version\r", "terminal length 0\r", "enable\r", "lab-enable\r", "show version\r"],
        ["authorization failed.", f"{ios.name}>", "Password:", f"{ios.name}#", "Processor board"],
    )
    before, after = text.split("Password:", 1)
    assert "Command authorization failed." in before
    assert "Processor board ID" in after
    eos = _device(answer_lab, "arista_eos", "authz")
    text = _run(eos, ["show version\r"], ["Authorization denied"])
    assert "% Authorization denied for command 'show version'" in text


def test_a_device_without_host_name_shows_the_default_prompt(answer_lab: Lab) -> None:
    assert "Switch>" in _run(_device(answer_lab, "cisco_ios", "anon"), ["\r"], ["Switch>"])
    text = _run(_device(answer_lab, "juniper_junos", "anon"), ["\r"], ["admin> "])
    assert "@" not in text.splitlines()[-1]


def test_the_chassis_line_comes_before_every_junos_prompt(answer_lab: Lab) -> None:
    junos = _device(answer_lab, "juniper_junos", "vc")
    text = _run(junos, ["\r"], [f"admin@{junos.name}> "])
    assert f"{{master:0}}\r\nadmin@{junos.name}> " in text


def test_a_prompt_shaped_line_in_the_configuration(answer_lab: Lab) -> None:
    ios = _device(answer_lab, "cisco_ios", "banner")
    text = _run(
        ios,
        ["terminal length 0\r", "enable\r", "lab-enable\r", "show running-config\r"],
        [f"{ios.name}>", "Password:", f"{ios.name}#", "\r\nend\r\n"],
    )
    config = text.split("show running-config", 1)[1]
    assert f"\r\n{ios.name}#\r\n" in config.split("\r\nend\r\n")[0]
