"""Hold Ctrl-C/SIGTERM back while a run writes its results.

Once collection is over, the commit and the status rows take seconds; letting a signal break
them leaves work for crash recovery and a run marked "aborted" instead of "interrupted". The
first signal is remembered (the run finishes its writes, then reports it); a second one
interrupts at once, for the operator who really means it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

HELD = (signal.SIGINT, signal.SIGTERM)


class InterruptsHeld:
    def __init__(self) -> None:
        self.received: int | None = None

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        del frame
        if self.received is not None:
            raise KeyboardInterrupt
        self.received = signum


@contextmanager
def interrupts_held() -> Iterator[InterruptsHeld]:
    """No-op outside the main thread (only it may set signal handlers)."""
    held = InterruptsHeld()
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
