"""confvault's CLI dialogue against the lab over real SSH: the same archive as netmiko's
``send_command`` gives, a prompt-like config line cannot cut a read, a wrong enable secret is an
authentication failure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import NetmikoAuthenticationException

from confvault.models import ErrorClass
from confvault.platforms import clean, get_platform
from confvault.runner.connection import _connect, open_tcp
from confvault.runner.dialogue import CliSession
from confvault.runner.tasks import classify
from confvault_lab import Lab, parse_spec
from confvault_lab.device import LabDevice
from tests.integration.project import PLATFORMS
from tests.platform_data import platforms_asking_at_login

pytestmark = pytest.mark.integration

TIMEOUT_S = 10.0
# their prompts.yaml names the question the lab fault login_question makes them ask
ASKING = platforms_asking_at_login()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    groups = [{"platform": p, "provider": "acme", "count": 1, "size": 8000} for p in PLATFORMS]
    # 40 KB/s: a 20 KB configuration arrives in ~10 pieces over half a second
    groups.append(
        {
            "platform": "cisco_ios",
            "provider": "slow",
            "count": 1,
            "size": 20000,
            "latency": {"rate": 40_000},
        }
    )
    for platform in ASKING:  # these ask a question before their first prompt
        groups.append(
            {"platform": platform, "provider": "ask", "count": 1, "faults": {1: "login_question"}}
        )
    with Lab(parse_spec({"groups": groups}), tmp_path_factory.mktemp("dialogue")) as lab:
        yield lab


def _device(lab: Lab, platform: str, provider: str = "acme") -> LabDevice:
    return next(d for d in lab.devices if d.platform == platform and d.provider == provider)


def _params(lab: Lab, device: LabDevice, secret: str | None = None) -> dict[str, Any]:
    credentials = lab.spec.credential_groups["lab"]
    return {
        "device_type": device.platform,
        "host": device.address,
        "port": device.port,
        "username": credentials.username,
        "password": credentials.password,
        "secret": credentials.enable if secret is None else secret,
        "fast_cli": True,
        "allow_agent": False,
        "use_keys": False,
    }


def _stock_netmiko(lab: Lab, device: LabDevice) -> list[str]:
    connection = ConnectHandler(**_params(lab, device))
    try:
        outputs = []
        for command in get_platform(device.platform).commands:
            if command.enable:
                connection.enable()
            outputs.append(str(connection.send_command(command.command, read_timeout=TIMEOUT_S)))
        return outputs
    finally:
        connection.disconnect()


def _open(lab: Lab, device: LabDevice, secret: str | None = None) -> tuple[Any, CliSession]:
    sock = open_tcp(device.address, device.port, TIMEOUT_S, device.platform)
    connection = ConnectHandler(**_params(lab, device, secret), sock=sock, auto_connect=False)
    return connection, _connect(connection, device.platform, TIMEOUT_S)


def _dialogue(lab: Lab, device: LabDevice) -> list[str]:
    connection, session = _open(lab, device)
    try:
        outputs = []
        for command in get_platform(device.platform).commands:
            if command.enable:
                session.enable(TIMEOUT_S)
            outputs.append(session.send(command.command, TIMEOUT_S))
        return outputs
    finally:
        connection.disconnect()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_archive_is_the_one_netmiko_send_command_gives(lab: Lab, platform: str) -> None:
    device = _device(lab, platform)
    ours = _dialogue(lab, device)
    stock = _stock_netmiko(lab, device)
    table = get_platform(platform)
    assert clean(table, ours, mask_secrets=True) == clean(table, stock, mask_secrets=True)
    assert len(ours[-1]) > 6000  # the whole configuration, not an empty match of empty reads


def test_a_config_line_holding_the_prompt_does_not_end_the_read(lab: Lab) -> None:
    device = _device(lab, "cisco_ios", provider="slow")
    body = lab.config_body(device.name).splitlines()
    marker = f"description uplink to {device.name}#core"  # contains the prompt 'NAME#'
    lab.set_config(device.name, "\n".join([*body[:3], marker, *body[3:]]) + "\n")
    platform = get_platform("cisco_ios")

    archived = clean(platform, _dialogue(lab, device), mask_secrets=False)
    assert marker in archived.splitlines()
    assert archived.rstrip().endswith("\nend")

    # the hazard is real: netmiko's search for the prompt anywhere stops at that line
    stock_config = _stock_netmiko(lab, device)[-1]
    assert not stock_config.rstrip().endswith("end")


def test_a_wrong_enable_secret_is_an_authentication_failure(lab: Lab) -> None:
    device = _device(lab, "cisco_ios")
    connection, session = _open(lab, device, secret="not-the-secret")
    try:
        with pytest.raises(NetmikoAuthenticationException) as raised:
            session.enable(TIMEOUT_S)
    finally:
        connection.disconnect()
    assert classify(raised.value, deadline_passed=False)[0] is ErrorClass.AUTH


def test_the_session_learns_the_privileged_prompt(lab: Lab) -> None:
    device = _device(lab, "arista_eos")
    connection, session = _open(lab, device)
    try:
        assert session.prompt == f"{device.name}>"
        session.enable(TIMEOUT_S)
        assert session.prompt == f"{device.name}#"
    finally:
        connection.disconnect()


@pytest.mark.parametrize("platform", ASKING)
def test_a_question_before_the_first_prompt_is_answered(lab: Lab, platform: str) -> None:
    # VRP: expired password "Change now? [Y/N]" -> N; Comware: "Press Y or ENTER" -> Enter;
    # RouterOS: "see the software license? [Y/n]" -> n. A wrong answer ends the lab's session.
    device = _device(lab, platform, provider="ask")
    archived = clean(get_platform(platform), _dialogue(lab, device), mask_secrets=True)
    assert len(archived) > 2000
