"""DeviceCollection.cancel(): the runner, not its caller, stops starting devices."""

from __future__ import annotations

import socket
from contextlib import closing

from confvault.models import Device
from confvault.runner import DeviceCollection, RunnerOptions


def _closed_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def devices(count: int) -> list[Device]:
    port = _closed_port()
    return [
        Device(name=f"r{i}", hostname="127.0.0.1", platform="cisco_ios", provider="acme", port=port)
        for i in range(count)
    ]


def test_a_cancelled_collection_starts_no_device() -> None:
    collection = DeviceCollection(devices(5), RunnerOptions(workers=2, timeout=5.0, ramp_up=0))
    collection.cancel()
    assert list(collection) == []


def test_an_uncancelled_collection_reports_every_device() -> None:
    collection = DeviceCollection(devices(3), RunnerOptions(workers=2, timeout=5.0, ramp_up=0))
    results = list(collection)
    assert sorted(r.device for r in results) == ["r0", "r1", "r2"]
    assert {r.error_class.value for r in results if r.error_class} == {"unreachable"}
