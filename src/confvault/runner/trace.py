"""What one device session did, for people finding out why a device failed.

``--verbose`` shows each step (connect, login, prompt, each command with its bytes and time) as a
log line of ``confvault.runner.steps``; ``--session-log DIR`` keeps the raw text the device sent,
one file per device. The log records only what the device sent: the password and enable secret
the dialogue types are never echoed by a device, and netmiko's own ``session_log`` (which records
what is typed) is never used. Secrets in the text go through the platform's secret rules, and the
credentials themselves are scrubbed as well, should a device echo them anyway.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from confvault.platforms.clean import mask_lines, rendered_line
from confvault.platforms.spec import REMOVED, Platform

STEPS = logging.getLogger("confvault.runner.steps")
_REDRAWN = re.compile(r"[\r\x1b\b]")
MIN_SCRUBBED_LENGTH = 3  # a credential shorter than this would blank ordinary words of the log


class SessionTrace:
    """Steps and received text of one device session (one worker thread)."""

    def __init__(self, device: str, *, keep_text: bool) -> None:
        self.device = device
        self._started = time.monotonic()
        self._keep_text = keep_text
        self._chunks: list[str] = []

    def step(self, what: str) -> None:
        if STEPS.isEnabledFor(logging.INFO):
            elapsed = time.monotonic() - self._started
            STEPS.info("%s: %s (at %.3f s)", self.device, what, elapsed)

    def received(self, text: str) -> None:
        if self._keep_text:
            self._chunks.append(text)

    def text(self) -> str:
        return "".join(self._chunks)


# The trace of the session this thread is running: the dialogue is created inside netmiko's
# connection plugin, out of reach of the task's arguments.
CURRENT: ContextVar[SessionTrace | None] = ContextVar("confvault_session_trace", default=None)


def step(what: str) -> None:
    trace = CURRENT.get()
    if trace is not None:
        trace.step(what)


@contextlib.contextmanager
def tracing(trace: SessionTrace) -> Iterator[SessionTrace]:
    token = CURRENT.set(trace)
    try:
        yield trace
    finally:
        CURRENT.reset(token)


def masked_session(platform: Platform, text: str, credentials: tuple[str, ...]) -> str:
    """The received text with the platform's secrets masked and the credentials scrubbed."""
    for credential in credentials:
        if len(credential) >= MIN_SCRUBBED_LENGTH:
            text = text.replace(credential, REMOVED)
    lines = text.replace("\r\n", "\n").split("\n")
    # a line redrawn with CRs or escapes (a pager eraser before it) is kept as the terminal
    # showed it: the secret rules, anchored at the line start, must see its text
    shown = [rendered_line(line) if _REDRAWN.search(line) else line for line in lines]
    return "\n".join(mask_lines(platform, shown))


def write_session_log(directory: Path, device: str, text: str, outcome: str) -> Path:
    """``<directory>/<device>.log``, readable by its owner only (it holds configuration text)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{device}.log"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
        file.write(text)
        if text and not text.endswith("\n"):
            file.write("\n")
        file.write(f"# confvault: {outcome}\n")
    return path
