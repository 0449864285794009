"""DeviceCollection.cancel(): the runner, not its caller, stops starting devices."""

from __future__ import annotations

import socket
from contextlib import closing

import pytest

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


def test_results_left_after_leaving_the_loop_come_from_remaining_once() -> None:
    """An interrupt leaves the loop with results still queued: remaining() reads exactly those,
    from the same pass (a second pass would share the queue and could end it early)."""
    collection = DeviceCollection(devices(4), RunnerOptions(workers=4, timeout=5.0, ramp_up=0))
    first = next(iter(collection))  # the loop over the collection is left here
    rest = list(collection.remaining())
    names = [first.device] + [r.device for r in rest]
    assert sorted(names) == ["r0", "r1", "r2", "r3"]
    assert list(collection.remaining()) == []


def test_a_collection_pass_cannot_be_run_twice() -> None:
    collection = DeviceCollection(devices(1), RunnerOptions(workers=1, timeout=5.0, ramp_up=0))
    assert len(list(collection)) == 1
    with pytest.raises(RuntimeError, match="runs once"):
        list(collection)
