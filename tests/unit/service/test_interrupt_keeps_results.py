"""Ctrl-C or SIGTERM while a result is being kept: the result is kept, the loop ends after it.

A signal that raised inside the loop's body used to lose the result in hand: taken from the
collection pass, never staged or recorded.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from contextlib import closing

from confvault.models import Device
from confvault.runner import DeviceCollection, RunnerOptions
from confvault.service.signals import interrupts_held


def _devices(count: int) -> list[Device]:
    with closing(socket.socket()) as probe:  # a closed port: each device fails at once
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    return [
        Device(name=f"r{i}", hostname="127.0.0.1", platform="cisco_ios", provider="acme", port=port)
        for i in range(count)
    ]


def test_a_signal_inside_the_loop_body_loses_no_result() -> None:
    collection = DeviceCollection(_devices(4), RunnerOptions(workers=4, timeout=5.0, ramp_up=0))
    kept: list[str] = []
    with interrupts_held(on_first=collection.interrupt) as held:
        for result in collection:
            if not kept:  # one signal (a second one interrupts at once, by design)
                os.kill(os.getpid(), signal.SIGINT)  # arrives while this result is being written
                time.sleep(0.05)
            kept.append(result.device)
    assert held.received == signal.SIGINT
    in_loop = len(kept)
    kept += [result.device for result in collection.remaining()]
    assert in_loop >= 1
    assert sorted(kept) == ["r0", "r1", "r2", "r3"]  # each once: none lost, none twice


def test_interrupt_ends_the_loop_and_remaining_reads_the_rest() -> None:
    collection = DeviceCollection(_devices(3), RunnerOptions(workers=3, timeout=5.0, ramp_up=0))
    loop = iter(collection)
    names = [next(loop).device]
    collection.interrupt()
    names += [result.device for result in loop]  # what was queued before the interrupt
    names += [result.device for result in collection.remaining()]
    assert sorted(names) == ["r0", "r1", "r2"]
