"""Hold Ctrl-C/SIGTERM back while a run writes its results.

Once collection is over, the commit and the status rows take seconds; letting a signal break
them leaves work for crash recovery and a run marked "aborted" instead of "interrupted". The
first signal is remembered (the run finishes its writes, then reports it); a second one
interrupts at once, for the operator who really means it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

HELD = (signal.SIGINT, signal.SIGTERM)


class InterruptsHeld:
    def __init__(self, on_first: Callable[[], None] | None = None) -> None:
        self.received: int | None = None
        self._on_first = on_first

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        del frame
        if self.received is not None:
            raise KeyboardInterrupt
        self.received = signum
        if self._on_first is not None:
            self._on_first()  # runs in the signal handler: must be signal-safe


@contextmanager
def interrupts_held(on_first: Callable[[], None] | None = None) -> Iterator[InterruptsHeld]:
    """No-op outside the main thread (only it may set signal handlers). ``on_first`` is called
    on the first signal, e.g. to wake a loop blocked on a queue."""
    held = InterruptsHeld(on_first)
    if threading.current_thread() is not threading.main_thread():
        yield held
        return
    previous: dict[signal.Signals, Any] = {signum: signal.getsignal(signum) for signum in HELD}
    for signum in HELD:
        signal.signal(signum, held._handler)
    try:
        yield held
    finally:
        for held_signal, handler in previous.items():
            signal.signal(held_signal, handler)
