"""netmiko options under ``connection_options.netmiko.extras``: passed through, or refused with
a reason naming the file, line and key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from confvault.errors import InventoryError
from confvault.inventory import load_inventory
from confvault.inventory.netmiko_options import KNOWN, REFUSED
from confvault.models import Device, Secret
from confvault.runner.hosts import netmiko_extras

WriteProject = Callable[..., Path]  # the write_project fixture (conftest.py)

DEFAULTS = "platform: cisco_ios\nusername: u\npassword: p\ndata: {provider: acme}\n"


def host_with(extras: dict[str, Any]) -> str:
    body = {"r1": {"hostname": "a", "connection_options": {"netmiko": {"extras": extras}}}}
    return yaml.safe_dump(body, sort_keys=False)


def load_one(write_project: WriteProject, extras: dict[str, Any], env: dict[str, str]) -> Device:
    inventory = load_inventory(write_project(host_with(extras), None, DEFAULTS), env=env)
    return inventory.get("r1")


@pytest.mark.parametrize(
    ("key", "value", "reaches_netmiko"),
    [
        ("use_keys", True, True),
        ("allow_agent", True, True),
        ("fast_cli", False, False),
        ("global_cmd_verify", False, False),
        ("conn_timeout", 7, 7.0),
        ("auth_timeout", 2.5, 2.5),
        ("banner_timeout", 30, 30.0),
        ("blocking_timeout", 12, 12.0),
        ("global_delay_factor", 2, 2.0),
        ("keepalive", 30, 30),
        ("encoding", "latin-1", "latin-1"),
        ("ssh_strict", True, True),
        ("system_host_keys", True, True),
        ("alt_host_keys", True, True),
    ],
)
def test_a_harmless_netmiko_option_reaches_netmiko_as_written(
    write_project: WriteProject, key: str, value: object, reaches_netmiko: object
) -> None:
    device = load_one(write_project, {key: value}, env={})
    expected = value if reaches_netmiko is None else reaches_netmiko
    assert netmiko_extras(device, 20)[key] == expected


def test_a_port_in_extras_is_the_device_port_as_nornir_netmiko_does(
    write_project: WriteProject,
) -> None:
    assert load_one(write_project, {"port": 2022}, env={}).port == 2022


def test_key_files_are_relative_to_the_inventory_file(write_project: WriteProject) -> None:
    nornir_config = write_project(host_with({"key_file": "keys/id_ed25519"}), None, DEFAULTS)
    keys = nornir_config.parent / "inventory" / "keys"
    keys.mkdir()
    (keys / "id_ed25519").write_text("not read at load time", encoding="utf-8")
    device = load_inventory(nornir_config, env={}).get("r1")
    assert netmiko_extras(device, 20)["key_file"] == str(keys / "id_ed25519")


def test_a_passphrase_is_a_credential_reference_never_shown(write_project: WriteProject) -> None:
    env = {"KEY_PASSPHRASE": "correct horse battery"}
    device = load_one(write_project, {"use_keys": True, "passphrase": "${KEY_PASSPHRASE}"}, env)
    assert device.connect_options["passphrase"] == Secret("correct horse battery")
    assert "correct horse" not in repr(device)
    assert netmiko_extras(device, 20)["passphrase"] == "correct horse battery"


def test_the_inventory_overrides_confvaults_own_defaults(write_project: WriteProject) -> None:
    plain = netmiko_extras(load_one(write_project, {}, env={}), 20)
    assert (plain["use_keys"], plain["allow_agent"], plain["conn_timeout"]) == (False, False, 10)
    chosen = netmiko_extras(load_one(write_project, {"conn_timeout": 3}, env={}), 20)
    assert chosen["conn_timeout"] == 3


@pytest.mark.parametrize("key", sorted(REFUSED))
def test_an_unsafe_or_owned_option_is_refused_with_its_reason(
    write_project: WriteProject, key: str
) -> None:
    with pytest.raises(InventoryError) as caught:
        load_one(write_project, {key: True}, env={})
    message = str(caught.value)
    assert "\n" not in message
    expected = f"hosts.yaml:6: host 'r1': connection_options.netmiko.extras.{key}: not supported ("
    assert expected + REFUSED[key] + ")" in message, message


@pytest.mark.parametrize(
    ("extras", "expected"),
    [
        ({"fast_cli": 1}, "extras.fast_cli: expected true or false, got 1"),
        ({"conn_timeout": "soon"}, "extras.conn_timeout: expected a number of seconds"),
        ({"conn_timeout": 0}, "extras.conn_timeout: expected a number of seconds above 0"),
        ({"encoding": "klingon"}, "extras.encoding: unknown text encoding 'klingon'"),
        ({"key_file": "missing/id_rsa"}, "extras.key_file: file missing/id_rsa not found"),
        ({"passphrase": "${NOPE}"}, "extras.passphrase: environment variable NOPE is not set"),
        ({"disabled_algorithms": {"cipher": []}}, "unknown algorithm kind 'cipher'"),
        ({"conn_timout": 3}, "extras.conn_timout: unknown key 'conn_timout' (did you mean"),
        ({"port": 0}, "extras.port: expected a TCP port 1..65535, got 0"),
        ({"jump_host": "bastion"}, "extras.jump_host: expected a mapping"),
        ({"jump_host": {"hostname": "b"}}, "extras.jump_host: username: missing"),
        ({"jump_host": {"username": "u"}}, "extras.jump_host: hostname: missing"),
        ({"jump_host": {"hostname": "b", "username": "u", "prot": 1}}, "unknown key 'prot'"),
        (
            {"jump_host": {"hostname": "b", "username": "u", "password": "${NOPE}"}},
            "extras.jump_host: password: environment variable NOPE is not set",
        ),
    ],
)
def test_a_bad_option_value_is_one_line_naming_file_line_and_key(
    write_project: WriteProject, extras: dict[str, Any], expected: str
) -> None:
    with pytest.raises(InventoryError) as caught:
        load_one(write_project, extras, env={})
    message = str(caught.value)
    assert "\n" not in message
    assert "hosts.yaml:6: host 'r1': connection_options.netmiko." in message
    assert expected in message, message


def test_every_option_has_exactly_one_kind() -> None:
    assert len(KNOWN) == len(set(KNOWN))


def test_with_keys_or_an_agent_no_password_is_needed(write_project: WriteProject) -> None:
    defaults = "platform: cisco_ios\nusername: u\ndata: {provider: acme}\n"
    for extras in ({"use_keys": True}, {"allow_agent": True}):
        inventory = load_inventory(write_project(host_with(extras), None, defaults), env={})
        assert inventory.get("r1").password == Secret("")
    with pytest.raises(InventoryError, match="host 'r1': password: missing"):
        load_inventory(write_project(host_with({"use_keys": False}), None, defaults), env={})


def test_a_jump_host_is_confvaults_own_never_handed_to_netmiko(
    write_project: WriteProject,
) -> None:
    jump = {"hostname": "bastion.example.net", "username": "ops", "password": "${JUMP_PW}"}
    device = load_one(write_project, {"jump_host": jump}, env={"JUMP_PW": "jump-secret-1"})
    checked = device.connect_options["jump_host"]
    assert checked == {
        "hostname": "bastion.example.net",
        "port": 22,
        "username": "ops",
        "password": Secret("jump-secret-1"),
    }
    assert "jump-secret-1" not in repr(device)
    assert "jump_host" not in netmiko_extras(device, 20)


def test_cbc_and_md5_are_off_unless_a_device_opts_in_to_legacy_algorithms(
    write_project: WriteProject,
) -> None:
    plain = netmiko_extras(load_one(write_project, {}, env={}), 20)["disabled_algorithms"]
    assert "aes128-cbc" in plain["ciphers"]
    assert "3des-cbc" in plain["ciphers"]
    assert "hmac-md5" in plain["macs"]
    own = {"kex": ["ecdh-sha2-nistp256"], "ciphers": ["aes128-ctr"]}
    chosen = netmiko_extras(load_one(write_project, {"disabled_algorithms": own}, env={}), 20)
    assert chosen["disabled_algorithms"]["kex"] == ["ecdh-sha2-nistp256"]
    assert chosen["disabled_algorithms"]["ciphers"][0] == "aes128-ctr"
    assert "aes256-cbc" in chosen["disabled_algorithms"]["ciphers"]
    legacy = netmiko_extras(load_one(write_project, {"legacy_algorithms": True}, env={}), 20)
    assert legacy["disabled_algorithms"] == {}
    assert "legacy_algorithms" not in legacy  # confvault's own, never handed to netmiko


def test_telnet_is_a_per_host_transport_on_port_23_unless_told(
    write_project: WriteProject,
) -> None:
    telnet = load_one(write_project, {"transport": "telnet"}, env={})
    assert telnet.port == 23
    assert netmiko_extras(telnet, 20)["confvault_telnet"] is True
    assert "transport" not in netmiko_extras(telnet, 20)
    assert load_one(write_project, {"transport": "telnet", "port": 2323}, env={}).port == 2323
    assert load_one(write_project, {"transport": "ssh"}, env={}).port == 22
    with pytest.raises(InventoryError, match=r"extras\.transport: expected ssh or telnet"):
        load_one(write_project, {"transport": "rlogin"}, env={})


def test_telnet_through_a_jump_host_is_refused_at_load(write_project: WriteProject) -> None:
    jump = {"hostname": "bastion", "username": "ops"}
    with pytest.raises(InventoryError, match="transport telnet cannot go through a jump_host"):
        load_one(write_project, {"transport": "telnet", "jump_host": jump}, env={})
