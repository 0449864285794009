"""Run collection over many devices with Nornir's threaded runner and stream results back.

Worker threads only talk to devices. Each finished device is handed to the caller's thread through
a queue, so the single writer (Git, database, progress bar) works while collection goes on.
"""

from __future__ import annotations

import gc
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from nornir.core import Nornir
from nornir.core.inventory import Host
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.processor import Processors
from nornir.core.task import AggregatedResult, MultiResult, Result, Task
from nornir.plugins.runners import ThreadedRunner

from confvault.models import CollectResult, Device, ErrorClass
from confvault.runner.hosts import build_inventory, device_of
from confvault.runner.options import CollectPass, RunnerOptions
from confvault.runner.tasks import WATCHDOG, collect_config

_DONE = object()
_INTERRUPT = object()  # put by interrupt(): the loop over the pass ends
_NOT_STARTED = object()  # the run was stopped before this device began: no result at all


class _RampUp:
    """Spreads the first ``workers`` logins evenly over ``seconds``; later ones start at once.

    Started all together, 100 sessions log in as one burst: the AAA server (TACACS+, RADIUS), the
    client's CPU and every device answer at once, and since each device then takes about the same
    time, the bursts repeat for the whole run. Spread once, they stay spread (bench/README.md).
    """

    def __init__(self, workers: int, seconds: float) -> None:
        self._gap = seconds / workers if workers > 0 else 0.0
        self._workers = workers
        self._started = 0
        self._origin: float | None = None
        self._lock = threading.Lock()

    def wait(self, stop: threading.Event) -> None:
        if self._gap <= 0:
            return
        with self._lock:
            index, self._started = self._started, self._started + 1
            if self._origin is None:
                self._origin = time.monotonic()
            origin = self._origin
        if index < self._workers:
            delay = origin + index * self._gap - time.monotonic()
            if delay > 0:
                stop.wait(delay)  # a stopped run does not wait out the ramp


class _StreamResults:
    """Nornir processor: hands each host's finished result to the consumer thread."""

    def __init__(self, sink: queue.SimpleQueue[object]) -> None:
        self._sink = sink

    def task_started(self, task: Task) -> None: ...

    def task_completed(self, task: Task, result: AggregatedResult) -> None: ...

    def task_instance_started(self, task: Task, host: Host) -> None: ...

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        if result and result[0].result is _NOT_STARTED:
            return
        self._sink.put(_to_collect_result(host, result))

    def subtask_instance_started(self, task: Task, host: Host) -> None: ...

    def subtask_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None: ...


def _to_collect_result(host: Host, result: MultiResult) -> CollectResult:
    value = result[0].result if result else None
    if isinstance(value, CollectResult):
        return value
    # Only reachable if the task itself crashed before building its result (a confvault bug).
    device = device_of(host)
    now = datetime.now(UTC)
    exc = result[0].exception if result else None
    return CollectResult(
        device=device.name,
        provider=device.provider,
        platform=device.platform,
        started_at=now,
        ended_at=now,
        error_class=ErrorClass.INTERNAL,
        message=f"collection task crashed: {type(exc).__name__ if exc else 'no result'}",
    )


class DeviceCollection:
    """One collection pass. Iterate it for results as devices finish; ``cancel()`` ends it."""

    def __init__(
        self, devices: Sequence[Device], options: RunnerOptions, *, attempt: int = 1
    ) -> None:
        ConnectionPluginRegister.auto_register()
        self._devices = tuple(devices)
        self._pass = CollectPass(options, attempt)
        self._results: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._finished = False  # the pass's end marker was read
        self._error: BaseException | None = None

    def interrupt(self) -> None:
        """Make the loop over this pass end after the result in hand: safe in a signal handler
        (``SimpleQueue.put`` is reentrant), so a signal never lands inside a caller's write.
        Then ``cancel()`` and read the rest with ``remaining()``."""
        self._results.put(_INTERRUPT)

    def cancel(self) -> None:
        """Start no more devices and cut the sessions in progress: keep iterating to collect
        what still finished whole (a cut device comes back as a failure)."""
        self._pass.stop.set()
        WATCHDOG.cut_all(self._pass)

    def _run(self) -> None:
        options = self._pass.options
        try:
            nornir = Nornir(
                inventory=build_inventory(self._devices, options.timeout),
                runner=ThreadedRunner(num_workers=options.workers),
                processors=Processors([_StreamResults(self._results)]),
            )
            nornir.run(
                task=_guarded_collect,
                name="confvault-collect",
                run=self._pass,
                ramp_up=_RampUp(options.workers, options.ramp_up),
            )
        except BaseException as error:  # re-raised in the consumer thread
            self._error = error
        finally:
            self._results.put(_DONE)

    def __iter__(self) -> Iterator[CollectResult]:
        if not self._devices:
            return
        if self._thread is not None:
            # A second Nornir run would share the results queue: its end could cut off the first's
            # last results. After cancel(), read what is left with remaining().
            raise RuntimeError("a collection pass runs once; use remaining() after cancel()")
        self._thread = threading.Thread(target=self._run, name="confvault-runner", daemon=True)
        # Every SSH session leaves reference cycles, so the cyclic GC runs all along, holding the
        # GIL; each full pass would walk everything loaded so far (inventory, Nornir hosts,
        # modules). Frozen, those are skipped (figures in bench/README.md).
        gc.freeze()
        try:
            self._thread.start()
            yield from self._until_done()
        finally:
            gc.unfreeze()

    def remaining(self) -> Iterator[CollectResult]:
        """The results not yet handed out, up to the end of the pass (after an interrupt left the
        loop over this collection): the same queue, never a second run."""
        if self._thread is None:
            return
        yield from self._until_done(draining=True)

    def _until_done(self, *, draining: bool = False) -> Iterator[CollectResult]:
        if self._finished:
            return
        while True:
            item = self._results.get()
            if item is _DONE:
                break
            if item is _INTERRUPT and not draining:
                return
            if isinstance(item, CollectResult):
                yield item
        self._finished = True
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error


def _guarded_collect(task: Task, *, run: CollectPass, ramp_up: _RampUp) -> Result:
    ramp_up.wait(run.stop)
    if run.stop.is_set():
        return Result(host=task.host, result=_NOT_STARTED)
    return collect_config(task, run)
