"""Each fault shows the client what the real failure looks like."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from confvault_lab import Lab, parse_spec
from confvault_lab.errors import LabError

from .conftest import collect
from .expectations import ends_complete
from .test_platforms import _shell

pytestmark = pytest.mark.integration

FAULT_DEVICES = {
    1: "auth_reject",
    2: "refuse",
    3: "silent",
    4: "slow",
    5: "disconnect",
    6: "no_end_marker",
    7: "garbage",
    8: "endless_pager",
    9: "unexpected_prompt",
    10: "shrink",
}


@pytest.fixture(scope="module")
def fault_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    groups = [
        {"platform": "cisco_ios", "provider": "acme", "count": 11, "faults": FAULT_DEVICES},
        {
            "platform": "juniper_junos",
            "provider": "acme",
            "count": 2,
            "faults": {1: "no_end_marker"},
        },
        {
            "platform": "mikrotik_routeros",
            "provider": "acme",
            "count": 2,
            "faults": {1: "no_end_marker"},
        },
        {"platform": "cisco_nxos", "provider": "acme", "count": 2, "faults": {1: "no_end_marker"}},
    ]
    with Lab(parse_spec({"groups": groups}), tmp_path_factory.mktemp("faults")) as lab:
        yield lab


def test_faults_as_a_client_sees_them(fault_lab: Lab) -> None:
    results = collect(
        fault_lab,
        workers=20,
        read_timeout=1,
        extras={"read_timeout_override": 1, "banner_timeout": 1, "conn_timeout": 1},
    )
    by_fault = {fault: results[f"acme-ios-{i:03d}"] for i, fault in FAULT_DEVICES.items()}
    healthy = results["acme-ios-011"]
    assert healthy.ok
    assert ends_complete("cisco_ios", healthy.config)

    assert "Authentication" in by_fault["auth_reject"].error
    assert (
        "refused" in by_fault["refuse"].error.lower()
        or "TCP connection" in by_fault["refuse"].error
    )
    assert not by_fault["silent"].ok
    assert (
        "Pattern not detected" in by_fault["slow"].error or "ReadTimeout" in by_fault["slow"].error
    )
    assert not by_fault["disconnect"].ok
    assert not by_fault["endless_pager"].ok
    assert not by_fault["unexpected_prompt"].ok

    cut = by_fault["no_end_marker"]
    assert cut.ok
    assert not ends_complete("cisco_ios", cut.config)
    garbage = by_fault["garbage"]
    assert garbage.ok
    assert not ends_complete("cisco_ios", garbage.config)
    shrunk = by_fault["shrink"]
    assert shrunk.ok
    assert ends_complete("cisco_ios", shrunk.config)
    assert len(shrunk.config) < 0.2 * len(healthy.config)

    for platform, tag in (("juniper_junos", "junos"), ("mikrotik_routeros", "ros")):
        assert not ends_complete(platform, results[f"acme-{tag}-001"].config)
        assert ends_complete(platform, results[f"acme-{tag}-002"].config)
    nxos_cut, nxos_full = results["acme-nxos-001"].config, results["acme-nxos-002"].config
    assert len(nxos_cut) < 0.8 * len(nxos_full)


def test_faults_set_and_cleared_by_api(fault_lab: Lab) -> None:
    target = fault_lab.device("acme-ios-011")
    fault_lab.set_fault(target.name, "refuse")
    refused = collect(fault_lab, [target])[target.name]
    assert not refused.ok
    fault_lab.set_fault(target.name, "auth_reject")
    assert "Authentication" in collect(fault_lab, [target])[target.name].error
    fault_lab.set_fault(target.name, None)
    assert collect(fault_lab, [target])[target.name].ok


def test_unknown_fault_or_device_is_one_line_error(fault_lab: Lab) -> None:
    with pytest.raises(LabError, match="unknown fault 'melt'"):
        fault_lab.set_fault("acme-ios-011", "melt")
    with pytest.raises(LabError, match="no lab device named 'nope'"):
        fault_lab.set_fault("nope", None)


@pytest.mark.slow
def test_huge_configuration_is_complete(tmp_path: Path) -> None:
    # Read with a raw SSH client: netmiko 4.8 needs minutes for 20 MB (its reads are quadratic),
    # which is the collector's problem to show, not the lab's.
    spec = parse_spec({"groups": [{"platform": "huawei", "faults": {1: "huge"}}]})
    with Lab(spec, tmp_path) as lab:
        vrp = lab.devices[0]
        text = asyncio.run(
            _shell(
                vrp.address,
                vrp.port,
                "admin",
                ["screen-length 0 temporary\r", "display current-configuration\r"],
                ["Info:", f"return\r\n<{vrp.name}>"],
            )
        )
    config = text.split("display current-configuration", 1)[1]
    assert len(config) > 15_000_000
    assert config.rstrip().endswith(f"return\r\n<{vrp.name}>")
