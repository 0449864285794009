"""Device selection for `run --device/--provider/--platform`, and the `confvault init` project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from confvault.errors import ConfigError, InventoryError
from confvault.inventory import Inventory, load_inventory
from confvault.inventory.scaffold import write_project
from confvault.models import Device
from confvault.settings import SETTING_NAMES, load_settings


def device(
    name: str, provider: str = "acme", platform: str = "cisco_ios", *, active: bool = True
) -> Device:
    return Device(
        name=name, hostname="192.0.2.1", platform=platform, provider=provider, active=active
    )


FLEET = Inventory(
    devices=(
        device("core-sw1"),
        device("core-sw2", platform="arista_eos"),
        device("edge-rt1", provider="beta", platform="juniper_junos"),
        device("old-rt9", active=False),
    )
)


def names(devices: tuple[Device, ...]) -> list[str]:
    return [d.name for d in devices]


def test_select_filters_combine_and_skip_inactive() -> None:
    assert names(FLEET.select()) == ["core-sw1", "core-sw2", "edge-rt1"]
    assert names(FLEET.select(active_only=False)) == [*names(FLEET.select()), "old-rt9"]
    assert names(FLEET.select(provider="acme")) == ["core-sw1", "core-sw2"]
    assert names(FLEET.select(provider="acme", platform="arista_eos")) == ["core-sw2"]
    assert names(FLEET.select(names=["edge-rt1", "core-sw1"])) == ["core-sw1", "edge-rt1"]


def test_unknown_device_name_lists_close_matches() -> None:
    with pytest.raises(
        InventoryError, match=r"unknown device 'core-sw3' \(did you mean .*'core-sw1'"
    ):
        FLEET.select(names=["core-sw3"])
    with pytest.raises(
        InventoryError, match=r"no device has provider 'acem' \(did you mean 'acme'"
    ):
        FLEET.select(provider="acem")
    with pytest.raises(InventoryError, match="unknown platform 'cisco'"):
        FLEET.select(platform="cisco")


def test_naming_an_inactive_device_is_an_error_not_a_silent_skip() -> None:
    with pytest.raises(InventoryError, match="device 'old-rt9' is inactive"):
        FLEET.select(names=["old-rt9"])
    assert names(FLEET.select(names=["old-rt9"], active_only=False)) == ["old-rt9"]


def test_init_project_loads_and_runs_nothing_by_accident(tmp_path: Path) -> None:
    written = write_project(tmp_path / "site")
    assert sorted(p.relative_to(tmp_path / "site").as_posix() for p in written) == [
        "confvault.yaml",
        "inventory/defaults.yaml",
        "inventory/groups.yaml",
        "inventory/hosts.yaml",
        "nornir.yaml",
    ]
    settings = load_settings(written[0], env={}, overrides={})
    assert settings.workers == 50
    assert settings.archive_path == tmp_path / "site" / "archive"
    with pytest.raises(InventoryError, match="ACME_PASSWORD is not set"):
        load_inventory(settings.nornir_config, env={})
    inventory = load_inventory(settings.nornir_config, env={"ACME_PASSWORD": "pw"})
    assert {d.provider for d in inventory.devices} == {"acme"}
    assert len(inventory.devices) == 2
    assert inventory.select() == ()  # the examples are inactive until edited
    assert "#" in (tmp_path / "site" / "inventory" / "hosts.yaml").read_text()  # commented


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "inventory").mkdir()
    hosts = tmp_path / "inventory" / "hosts.yaml"
    hosts.write_text("mine: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"hosts\.yaml: already exists"):
        write_project(tmp_path)
    assert hosts.read_text() == "mine: {}\n"
    assert not (tmp_path / "confvault.yaml").exists()  # all or nothing


def test_init_settings_file_shows_every_setting(tmp_path: Path) -> None:
    text = (write_project(tmp_path / "site")[0]).read_text()
    missing = [n for n in SETTING_NAMES if not re.search(rf"^(?:# )?{n}:", text, re.MULTILINE)]
    assert not missing  # a setting nobody can find in the file they edit does not exist
