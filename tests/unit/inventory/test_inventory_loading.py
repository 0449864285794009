"""Inventory: nornir's inheritance, credentials, and one-line problems naming file, host, field."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from nornir.plugins.inventory.simple import SimpleInventory

from confvault.errors import InventoryError
from confvault.inventory import InventoryProblemsError, load_inventory
from confvault.models import Secret

WriteProject = Callable[..., Path]  # the write_project fixture (conftest.py)

ENV = {"LAB_PASSWORD": "lab-pass-123", "CORE_SECRET": "core-enable-456"}

# Nested groups, diamond inheritance, defaults and connection options, all mixed.
HOSTS = """\
r1:
  hostname: 10.0.0.1
  groups: [edge, core]
r2:
  hostname: 10.0.0.2
  port: 2222
  groups: [core]
  data: {provider: beta, accept_shrink: true}
r3:
  hostname: 10.0.0.3
  platform: arista_eos
  username: local
  connection_options:
    netmiko:
      port: 8022
      extras: {}
"""
GROUPS = """\
edge:
  groups: [site_a]
  data: {active: false}
core:
  groups: [site_a, vendor_x]
  platform: cisco_xr
  connection_options:
    netmiko:
      extras: {secret: "${CORE_SECRET}"}
site_a:
  groups: [tenant]
  port: 2200
vendor_x:
  platform: juniper_junos
  password: "${LAB_PASSWORD}"
tenant:
  data: {provider: acme}
  username: tenant-user
"""
DEFAULTS = """\
platform: cisco_ios
username: admin
password: ${file:secrets/default.txt}
data: {provider: fallback}
connection_options:
  netmiko:
    extras: {secret: "${file:secrets/default.txt}"}
"""


def write_secret(nornir_config: Path, text: str = "default-pass-789\n") -> None:
    secrets = nornir_config.parent / "inventory" / "secrets"
    secrets.mkdir(parents=True, exist_ok=True)
    (secrets / "default.txt").write_text(text, encoding="utf-8")


def test_inheritance_matches_nornir(write_project: WriteProject) -> None:
    nornir_config = write_project(HOSTS, GROUPS, DEFAULTS)
    write_secret(nornir_config)
    inventory = load_inventory(nornir_config, env=ENV)

    folder = nornir_config.parent / "inventory"
    reference = SimpleInventory(
        str(folder / "hosts.yaml"), str(folder / "groups.yaml"), str(folder / "defaults.yaml")
    ).load()
    for device in inventory.devices:
        host = reference.hosts[device.name]
        params = host.get_connection_parameters("netmiko")
        expected_secret = (params.extras or {}).get("secret")
        assert device.hostname == params.hostname
        assert device.platform == params.platform
        assert device.port == (params.port or 22)
        assert device.username == params.username
        resolved = {"${LAB_PASSWORD}": ENV["LAB_PASSWORD"], "${CORE_SECRET}": ENV["CORE_SECRET"]}
        resolved["${file:secrets/default.txt}"] = "default-pass-789"
        assert params.password is not None
        assert device.password.reveal() == resolved[params.password]
        if expected_secret is None:
            assert device.enable_secret is None
        else:
            assert device.enable_secret is not None
            assert device.enable_secret.reveal() == resolved[expected_secret]
        assert device.provider == host["provider"]
        assert device.active == host.extended_data().get("active", True)

    r1, r2, r3 = (inventory.get(n) for n in ("r1", "r2", "r3"))
    # Spelled out, so a reader sees the rules: groups depth-first before defaults.
    assert (r1.platform, r1.port, r1.provider, r1.active) == ("cisco_xr", 2200, "acme", False)
    assert r1.password == Secret("lab-pass-123")
    assert r1.username == "tenant-user"
    assert r2.provider == "beta"
    assert r2.port == 2222
    assert r2.accept_shrink
    assert r3.port == 8022
    assert r3.username == "local"
    assert r3.enable_secret is None
    assert r3.provider == "fallback"
    assert r3.password == Secret("default-pass-789")
    assert r1.groups == ("edge", "core")


def test_platform_aliases_become_registry_names(write_project: WriteProject) -> None:
    hosts = "r1:\n  hostname: a\n  platform: ios\nr2:\n  hostname: b\n  platform: junos\n"
    defaults = "username: u\npassword: p\ndata: {provider: acme}\n"
    inventory = load_inventory(write_project(hosts, None, defaults), env={})
    assert [d.platform for d in inventory.devices] == ["cisco_ios", "juniper_junos"]
    assert [d.name for d in inventory.select(platform="junos")] == ["r2"]


def test_no_secret_in_repr_or_errors(write_project: WriteProject) -> None:
    nornir_config = write_project(HOSTS, GROUPS, DEFAULTS)
    write_secret(nornir_config)
    inventory = load_inventory(nornir_config, env=ENV)
    shown = repr(inventory) + "".join(str(d) for d in inventory.devices)
    for secret in ("lab-pass-123", "core-enable-456", "default-pass-789"):
        assert secret not in shown
    broken = HOSTS + "r4:\n  hostname: 10.0.0.4\n  password: 12345678\n  port: nope\n"
    nornir_config = write_project(broken, GROUPS, DEFAULTS.replace("cisco_ios", "lab-pass-123"))
    with pytest.raises(InventoryProblemsError) as caught:
        load_inventory(nornir_config, env=ENV)
    everything = str(caught.value) + "\n".join(caught.value.problems)
    for secret in ("lab-pass-123", "core-enable-456", "default-pass-789", "12345678"):
        assert secret not in everything.replace("'lab-pass-123'", "")  # the bad *platform* echoes
    assert any("host 'r4': password: expected text (quote it)" in p for p in caught.value.problems)


def test_unresolved_credentials_name_the_group_and_variable(write_project: WriteProject) -> None:
    nornir_config = write_project(HOSTS, GROUPS, DEFAULTS)
    with pytest.raises(InventoryProblemsError) as caught:
        load_inventory(nornir_config, env={"CORE_SECRET": "x"})
    problems = caught.value.problems
    assert (
        "inventory/groups.yaml:15: group 'vendor_x': password: "
        "environment variable LAB_PASSWORD is not set"
    ) in problems
    assert (
        "inventory/defaults.yaml:3: defaults: password: secret file secrets/default.txt not found"
    ) in problems
    # reported once where written, not once per host that inherits it
    assert sum("LAB_PASSWORD" in p for p in problems) == 1
    assert str(caught.value).startswith("inventory/groups.yaml:15: group 'vendor_x': password:")


@pytest.mark.parametrize(
    ("hosts", "expected"),
    [
        ("r1:\n  platform: cisco_ios\n", "hosts.yaml:1: host 'r1': hostname: missing"),
        ("r1:\n  hostname: a\n  platform: ioss\n", "hosts.yaml:3: host 'r1': platform: unknown"),
        ("r1:\n  hostname: a\nr1:\n  hostname: b\n", "hosts.yaml:3: malformed YAML: duplicate key"),
        ("r1:\n  hostname: a\n  port: 70000\n", "hosts.yaml:3: host 'r1': port: expected a TCP"),
        ("r1:\n  hostname: a\n  prot: 22\n", "host 'r1': prot: unknown key 'prot' (did you mean"),
        ("r1:\n  hostname: a\n  groups: [lab]\n", "hosts.yaml:3: host 'r1': groups: unknown group"),
        ("../x:\n  hostname: a\n", "hosts.yaml:1: host '../x': name: expected letters"),
        ("r1:\n  hostname: a\n  data: {provider: a/b}\n", "host 'r1': data.provider: expected"),
        ("r1:\n  hostname: a\n  data: {active: 'no'}\n", "host 'r1': data.active: expected true"),
        ("r1:\n  hostname: a b\n", "hosts.yaml:2: host 'r1': hostname: expected an address"),
        ("r1: [1]\n", "hosts.yaml:1: host 'r1': expected a mapping, got list"),
        ("1234:\n  hostname: a\n", "hosts.yaml:1: host name 1234 must be text (quote it)"),
        ("R1:\n  hostname: a\nr1:\n  hostname: b\n", "host 'r1': name: differs from host 'R1'"),
        ("r1:\n  hostname: a\n  password: pre${X}\n", "password: a reference must be the whole"),
        ("r1: {hostname: a, connection_options: {napalm: {}}}", "napalm: unknown connection"),
        (
            "r1:\n  hostname: a\n  connection_options:\n    netmiko:\n      extras: {sock: 1}\n",
            "hosts.yaml:5: host 'r1': connection_options.netmiko.extras.sock: not supported",
        ),
        ("r1:\n  hostname: [a\n", "hosts.yaml:3: malformed YAML"),
    ],
)
def test_each_bad_input_is_one_line_naming_file_host_field(
    write_project: WriteProject, hosts: str, expected: str
) -> None:
    defaults = "platform: cisco_ios\nusername: u\npassword: p\ndata: {provider: acme}\n"
    nornir_config = write_project(hosts, "", defaults)
    with pytest.raises(InventoryError) as caught:
        load_inventory(nornir_config, env={})
    message = str(caught.value)
    assert "\n" not in message
    assert expected in message, message


def test_all_problems_are_reported_together(write_project: WriteProject) -> None:
    hosts = "r1:\n  platform: nope\nr2:\n  hostname: b\n"
    nornir_config = write_project(hosts)
    with pytest.raises(InventoryProblemsError) as caught:
        load_inventory(nornir_config, env={})
    problems = caught.value.problems
    assert "(and" in str(caught.value)
    assert any("host 'r1': platform: unknown platform 'nope'" in p for p in problems)
    assert any("host 'r2': platform: missing" in p for p in problems)
    assert any("host 'r2': data.provider: missing" in p for p in problems)
    assert any("host 'r2': password: missing" in p for p in problems)


def test_group_cycle_is_reported(write_project: WriteProject) -> None:
    groups = "a:\n  groups: [b]\nb:\n  groups: [a]\n"
    nornir_config = write_project("r1:\n  hostname: x\n  groups: [a]\n", groups)
    with pytest.raises(InventoryError, match="group cycle"):
        load_inventory(nornir_config, env={})


def test_nornir_yaml_problems(tmp_path: Path) -> None:
    config = tmp_path / "nornir.yaml"
    config.write_text("inventory:\n  plugin: NetBoxInventory2\n", encoding="utf-8")
    with pytest.raises(InventoryError, match=r"nornir\.yaml:2: inventory\.plugin: confvault reads"):
        load_inventory(config, env={})
    config.write_text("runnr: {}\n", encoding="utf-8")
    with pytest.raises(InventoryError, match=r"nornir\.yaml:1: unknown section 'runnr'"):
        load_inventory(config, env={})
    config.write_text("inventory: {}\n", encoding="utf-8")  # default hosts.yaml next to it
    with pytest.raises(InventoryError, match=r"hosts\.yaml: file not found"):
        load_inventory(config, env={})


def test_secret_file_content_is_stripped_and_relative_to_its_file(
    write_project: WriteProject,
) -> None:
    hosts = "r1:\n  hostname: a\n  password: ${file:secrets/default.txt}\n"
    defaults = "platform: huawei\nusername: u\ndata: {provider: acme}\n"
    nornir_config = write_project(hosts, None, defaults)
    write_secret(nornir_config, "  s3cret with spaces \n\n")
    device = load_inventory(nornir_config, env={}).get("r1")
    assert device.password.reveal() == "s3cret with spaces"
    write_secret(nornir_config, "\n")
    with pytest.raises(InventoryError, match=r"secret file secrets/default\.txt is empty"):
        load_inventory(nornir_config, env={})


def test_inventory_package_does_not_import_nornir() -> None:
    code = "import sys, confvault.inventory, confvault.settings; print('nornir' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
