"""Spec, inventory, changes between runs, subprocess mode and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from confvault_lab import Lab, parse_spec
from confvault_lab.cli import lab_group
from confvault_lab.errors import LabError

from .conftest import collect

pytestmark = pytest.mark.integration


def test_changing_three_devices_changes_exactly_three_configurations(tmp_path: Path) -> None:
    spec = parse_spec(
        {"groups": [{"platform": "cisco_ios", "count": 4}, {"platform": "cisco_xr", "count": 4}]}
    )
    with Lab(spec, tmp_path / "lab") as lab:
        names = [d.name for d in lab.devices]
        before = {n: lab.config_body(n) for n in names}
        lab.mutate(names[0])
        lab.set_config(names[5], before[names[5]] + "\nhostname changed-by-test")
        (tmp_path / "lab" / "devices" / f"{names[7]}.cfg").write_text("sysname hand-edited\n")
        after = {n: lab.config_body(n) for n in names}
        changed = {n for n in names if before[n] != after[n]}
        assert changed == {names[0], names[5], names[7]}
        results = collect(lab)
        assert "sysname hand-edited" in results[names[7]].config
        assert "hostname changed-by-test" in results[names[5]].config
        lab.reset_config(names[7])
        assert lab.config_body(names[7]) == before[names[7]]


def test_inventory_has_references_never_passwords(tmp_path: Path) -> None:
    spec = parse_spec(
        {
            "credentials": {"password": "s3cret-pw", "enable": "s3cret-en"},
            "groups": [
                {"platform": "cisco_ios", "provider": "acme", "count": 2},
                {
                    "platform": "huawei",
                    "provider": "beta",
                    "name": "beta-core",
                    "count": 1,
                    "credentials": {"password": "other-pw"},
                },
            ],
        }
    )
    with Lab(spec, tmp_path / "lab", inventory_dir=tmp_path / "inv") as lab:
        env = lab.credentials_env()
    text = "".join(
        (tmp_path / "inv" / f).read_text() for f in ("hosts.yaml", "groups.yaml", "defaults.yaml")
    )
    for secret in ("s3cret-pw", "s3cret-en", "other-pw"):
        assert secret not in text
    hosts = yaml.safe_load((tmp_path / "inv" / "hosts.yaml").read_text())
    assert hosts["acme-ios-001"]["data"] == {"provider": "acme", "active": True}
    assert hosts["beta-core-001"]["platform"] == "huawei"
    groups = yaml.safe_load((tmp_path / "inv" / "groups.yaml").read_text())
    assert groups["lab"]["password"] == "${CONFVAULT_LAB_PASSWORD}"
    assert (
        groups["lab"]["connection_options"]["netmiko"]["extras"]["secret"]
        == "${CONFVAULT_LAB_ENABLE}"
    )
    assert env["CONFVAULT_LAB_PASSWORD"] == "s3cret-pw"
    assert env["CONFVAULT_LAB_PASSWORD_BETA_CORE"] == "other-pw"


@pytest.mark.parametrize(
    ("listen", "message"),
    [
        ({"address": "10.0.0.1"}, "outside loopback"),
        ({"address": "0.0.0.0"}, "outside loopback"),  # noqa: S104 - must be refused
        ({"mode": "address", "address": "127.255.255.255"}, "outside loopback"),
    ],
)
def test_refuses_to_bind_outside_loopback(
    tmp_path: Path, listen: dict[str, str], message: str
) -> None:
    with pytest.raises(LabError, match=message):
        spec = parse_spec({"listen": listen, "groups": [{"platform": "huawei", "count": 2}]})
        Lab(spec, tmp_path).start()


def test_address_mode_gives_each_device_its_own_address(tmp_path: Path) -> None:
    spec = parse_spec(
        {
            "listen": {"mode": "address", "base_port": 22022},
            "groups": [{"platform": "hp_comware", "count": 2}],
        }
    )
    with Lab(spec, tmp_path) as lab:
        addresses = {(d.address, d.port) for d in lab.devices}
        assert addresses == {("127.1.0.1", 22022), ("127.1.0.2", 22022)}
        assert all(r.ok for r in collect(lab).values())


def test_subprocess_lab_is_driven_through_the_lab_directory(tmp_path: Path) -> None:
    spec = parse_spec({"groups": [{"platform": "arista_eos", "count": 2}], "pregenerate": True})
    with Lab(spec, tmp_path, in_subprocess=True) as lab:
        first, second = (d.name for d in lab.devices)
        lab.set_fault(first, "auth_reject")
        results = collect(lab)
        assert "Authentication" in results[first].error
        assert results[second].ok
        lab.set_fault(first, None)
        assert collect(lab)[first].ok
    stats = lab.stats()
    assert stats.devices == 2
    assert stats.lab_errors == 0
    assert stats.sessions_served >= 2


@pytest.mark.parametrize(
    ("spec_text", "message"),
    [
        ("groups: [{platform: cisco_foo}]", "groups[0].platform: 'cisco_foo' is not one of"),
        ("groups: [{platform: huawei, faults: {1: melt}}]", "unknown fault 'melt'"),
        ("groups: [{platform: huawei, count: -1}]", "groups[0].count: must be >= 1"),
        ("listen: {address: 192.0.2.1}\ngroups: [{platform: huawei}]", "outside loopback"),
        ("groups: [", "not valid YAML"),
        ("pregenerate: soon\ngroups: [{platform: huawei}]", "pregenerate: expected true or false"),
        (
            "listen: {base_port: 99999}\ngroups: [{platform: huawei}]",
            "listen.base_port: 99999 is not a TCP port (1..65535)",
        ),
        (
            "listen: {base_port: 65535}\ngroups: [{platform: huawei, count: 3}]",
            "3 devices from port 65535 would need ports up to 65537",
        ),
        (
            "listen: {mode: address, base_port: 0}\ngroups: [{platform: huawei}]",
            "listen.base_port: 0 is not a TCP port",
        ),
        ("groups: [{platform: huawei, auth: {key: [a.pub]}}]", "auth: unknown key 'key'"),
        ("groups: [{platform: huawei, auth: {keys: a.pub}}]", "auth.keys: expected a list"),
        ("groups: [{platform: huawei, auth: {password: false}}]", "must accept keys or the"),
        ("groups: [{platform: huawei, auth: {keys: [/nonexistent.pub]}}]", "public key"),
    ],
)
def test_cli_bad_spec_is_one_line(tmp_path: Path, spec_text: str, message: str) -> None:
    spec_file = tmp_path / "lab.yaml"
    spec_file.write_text(spec_text)
    result = CliRunner().invoke(
        lab_group, ["start", "--spec", str(spec_file), "--lab-dir", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("base_port", ["99999", "-5"])
def test_cli_base_port_outside_the_tcp_range_is_one_line(tmp_path: Path, base_port: str) -> None:
    result = CliRunner().invoke(
        lab_group,
        ["start", "--count", "1", "--base-port", base_port, "--lab-dir", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "base_port" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_background_start_and_stop(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--lab-dir", str(tmp_path / "lab")]
    started = runner.invoke(
        lab_group,
        [
            "start",
            "--count",
            "3",
            "--platforms",
            "cisco_xr,huawei",
            "--background",
            "--inventory-dir",
            str(tmp_path / "inv"),
            *args,
        ],
    )
    try:
        assert started.exit_code == 0, started.output
        hosts = yaml.safe_load((tmp_path / "inv" / "hosts.yaml").read_text())
        assert sorted(hosts) == ["lab-vrp-001", "lab-xr-001", "lab-xr-002"]
    finally:  # a failed check must not leave a lab process serving after the test
        stopped = runner.invoke(lab_group, ["stop", *args])
    assert stopped.exit_code == 0, stopped.output
    again = runner.invoke(lab_group, ["stop", *args])
    assert again.exit_code == 2
    assert "no running lab" in again.output
