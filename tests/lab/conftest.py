"""Shared helpers: drive lab devices through Nornir + nornir-netmiko, as the product does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions, Defaults, Groups, Host, Hosts, Inventory
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.task import MultiResult, Result, Task
from nornir.plugins.runners import ThreadedRunner
from nornir_netmiko.tasks import netmiko_send_command

from confvault_lab import Lab, parse_spec
from confvault_lab.configgen import CONFIG_COMMANDS, PLATFORMS, VERSION_COMMANDS
from confvault_lab.device import LabDevice

from .expectations import expectations

ALL_PLATFORMS = PLATFORMS
FAST_EXTRAS = {"fast_cli": True, "conn_timeout": 3, "auth_timeout": 3, "banner_timeout": 3}

ConnectionPluginRegister.auto_register()


@dataclass(frozen=True)
class Collected:
    ok: bool
    version: str = ""
    config: str = ""
    error: str = ""


def _collect_task(task: Task, read_timeout: float) -> Result:
    # Close at once, as the product does: thousands of idle paramiko threads would swamp the client.
    try:
        return _collect(task, read_timeout)
    finally:
        if "netmiko" in task.host.connections:
            task.host.close_connection("netmiko")


def _collect(task: Task, read_timeout: float) -> Result:
    platform = task.host.platform or ""
    enable = expectations(platform).collect_with_enable
    version = task.run(
        netmiko_send_command,
        command_string=VERSION_COMMANDS[platform][0],
        enable=enable,
        read_timeout=read_timeout,
    ).result
    config = task.run(
        netmiko_send_command,
        command_string=CONFIG_COMMANDS[platform][0],
        enable=enable,
        read_timeout=read_timeout,
    ).result
    return Result(host=task.host, result=(version, config))


def collect(
    lab: Lab,
    devices: list[LabDevice] | None = None,
    *,
    workers: int = 10,
    read_timeout: float = 10.0,
    extras: dict[str, Any] | None = None,
    password: str = "lab-password",  # noqa: S107 - the lab default
) -> dict[str, Collected]:
    """Back up each device's version and configuration through nornir-netmiko."""
    targets = devices if devices is not None else lab.devices
    options = {
        "netmiko": ConnectionOptions(
            extras={**FAST_EXTRAS, **(extras or {}), "secret": "lab-enable"}
        )
    }
    hosts = Hosts(
        {
            d.name: Host(
                name=d.name,
                hostname=d.address,
                port=d.port,
                username="admin",
                password=password,
                platform=d.platform,
                connection_options=options,
            )
            for d in targets
        }
    )
    nornir = Nornir(
        inventory=Inventory(hosts=hosts, groups=Groups(), defaults=Defaults()),
        runner=ThreadedRunner(num_workers=workers),
    )
    try:
        results = nornir.run(task=_collect_task, read_timeout=read_timeout, on_failed=True)
    finally:
        nornir.close_connections(on_failed=True)
    collected: dict[str, Collected] = {}
    for name, multi in results.items():
        assert isinstance(multi, MultiResult)
        if multi.failed:
            failure = [r for r in multi if r.failed][-1]  # the subtask, not its parent
            collected[name] = Collected(ok=False, error=repr(failure.exception))
        else:
            version, config = multi[0].result
            collected[name] = Collected(ok=True, version=version, config=config)
    return collected


def one_per_platform(provider: str = "acme", **group: Any) -> dict[str, Any]:
    return {"groups": [{"platform": p, "provider": provider, **group} for p in ALL_PLATFORMS]}


@pytest.fixture(scope="module")
def platform_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """One healthy device per platform, served in this process."""
    root: Path = tmp_path_factory.mktemp("lab")
    spec = parse_spec(one_per_platform(size=8000))
    with Lab(spec, root / "lab", inventory_dir=root / "inventory") as lab:
        yield lab
