"""The per-device Nornir task: log in, run the platform's commands, close, clean.

It runs on a worker thread, talks only to its device, and never raises: every failure becomes a
``CollectResult`` with an ``ErrorClass`` (failures are data, as in Nornir's ``Result``).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from netmiko.exceptions import (
    NetmikoAuthenticationException,
    NetmikoTimeoutException,
    ReadException,
    ReadTimeout,
)
from nornir.core.task import Result, Task
from paramiko.ssh_exception import (
    AuthenticationException,
    BadHostKeyException,
    IncompatiblePeer,
    SSHException,
)

from confvault.models import CollectResult, Device, ErrorClass
from confvault.platforms import OutputRejected, Platform, clean, get_platform
from confvault.runner.connection import HOST_KEYS_EXTRA, LOGIN_TIMEOUT_EXTRA
from confvault.runner.hostkeys import fingerprint
from confvault.runner.hosts import CONNECTION_NAME, device_of, open_session
from confvault.runner.jump import JumpHostError, Route
from confvault.runner.options import CollectPass
from confvault.runner.trace import CURRENT, SessionTrace, masked_session, write_session_log

# paramiko's transport thread logs every failed session with a full traceback; with no logging
# configured, Python's last-resort handler prints that to stderr (cron mail). The failure is
# already reported as this device's result. A configured root handler still receives it.
logging.getLogger("paramiko").addHandler(logging.NullHandler())

_E = TypeVar("_E", bound=BaseException)
_UNREACHABLE_HINTS = ("TCP connection to device failed", "DNS failure", "Connection refused")
_DISCONNECT_HINTS = ("Socket is closed", "closed by remote", "EOF", "Connection reset", "not open")


def first_line(text: str) -> str:
    """Netmiko's messages are multi-line essays; keep the line that says what happened, whole
    (the terminal table may shorten it; --json and the database never do)."""
    for line in text.strip().splitlines():
        line = line.strip()
        # netmiko puts its own heading before paramiko's message
        if line and not line.startswith("Common causes") and not line.endswith("creation:"):
            return line
    return text.strip()


@dataclass(order=True)
class _Watch:
    deadline: float
    order: int
    sock: socket.socket = field(compare=False)
    group: object = field(default=None, compare=False)  # the collection pass it belongs to
    expired: bool = field(default=False, compare=False)
    done: bool = field(default=False, compare=False)


class DeadlineWatchdog:
    """One thread that shuts a device's TCP socket when its deadline passes.

    netmiko's own timeouts are per read, so a device trickling output (or a pager that never ends)
    can keep a worker far beyond the per-device deadline. Shutting the socket ends the SSH
    transport; every read or write in the worker then fails at once and the worker is free.
    """

    def __init__(self) -> None:
        self._heap: list[_Watch] = []
        self._wake = threading.Condition()
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, sock: socket.socket, deadline: float, group: object = None) -> _Watch:
        entry = _Watch(deadline, next(self._order), sock, group)
        with self._wake:
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="confvault-deadlines", daemon=True
                )
                self._thread.start()
            self._wake.notify()
        return entry

    def release(self, entry: _Watch) -> None:
        with self._wake:
            entry.done = True  # dropped from the heap lazily, when it comes up

    def cut_all(self, group: object = None) -> None:
        """Cut every session in progress now (of ``group`` only, if given): workers end at once."""
        with self._wake:
            entries = [e for e in self._heap if not e.done and group in (None, e.group)]
            for entry in entries:
                entry.expired = True
        for entry in entries:
            with contextlib.suppress(OSError):
                entry.sock.shutdown(socket.SHUT_RDWR)

    def _loop(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait()
                    continue
                due = self._heap[0].deadline - time.monotonic()
                if due > 0:
                    self._wake.wait(due)
                    continue
                entry = heapq.heappop(self._heap)
                entry.expired = True
            with contextlib.suppress(OSError):
                entry.sock.shutdown(socket.SHUT_RDWR)


WATCHDOG = DeadlineWatchdog()


def _raised_while(error: BaseException, kind: type[_E]) -> _E | None:
    """``error`` or the exception it was raised while handling, if one is a ``kind``."""
    seen: BaseException | None = error
    for _ in range(10):  # a short chain; never loop on a cycle
        if seen is None or isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def host_key_changed(error: BadHostKeyException, device: str = "") -> str:
    name = device or error.hostname
    return (
        f"host key changed for {name}: expected {fingerprint(error.expected_key)}, "
        f"got {fingerprint(error.key)}; if the device was replaced: confvault hostkey accept {name}"
    )


def classify(
    error: BaseException, *, deadline_passed: bool, device: str = ""
) -> tuple[ErrorClass, str]:
    """Map an exception raised while talking to a device to an error class and one readable line."""
    text = str(error)
    if isinstance(error, OutputRejected):
        return error.error_class, str(error)
    if isinstance(error, JumpHostError) and not deadline_passed:
        return error.error_class, str(error)
    changed = _raised_while(error, BadHostKeyException)
    if changed is not None:  # netmiko re-raises it as a NetmikoTimeoutException
        return ErrorClass.HOST_KEY, host_key_changed(changed, device)
    if isinstance(error, SSHException) and "not found in known_hosts" in text:
        return (
            ErrorClass.HOST_KEY,
            f"host key of {device or 'the device'} is not known; "
            f"to trust it: confvault hostkey accept {device or 'DEVICE'}",
        )
    incompatible = _raised_while(error, IncompatiblePeer)
    if incompatible is not None:  # a settings mismatch: another try cannot help
        return (
            ErrorClass.REJECTED,
            f"no SSH algorithm in common with the device ({first_line(str(incompatible))}); "
            "for an old device set extras legacy_algorithms: true",
        )
    if isinstance(error, NetmikoAuthenticationException | AuthenticationException):
        return (
            ErrorClass.AUTH,
            "authentication failed (username, password or enable secret)",
        )
    if isinstance(error, ConnectionRefusedError) or any(h in text for h in _UNREACHABLE_HINTS):
        return ErrorClass.UNREACHABLE, first_line(text)
    if deadline_passed:
        return ErrorClass.TIMEOUT, "device did not finish within its deadline"
    if isinstance(error, ReadTimeout):
        return ErrorClass.TIMEOUT, first_line(text)
    if isinstance(error, NetmikoTimeoutException | socket.timeout | TimeoutError):
        return ErrorClass.TIMEOUT, first_line(text)
    if isinstance(error, ReadException) and "closed by remote" in text:
        return ErrorClass.DISCONNECTED, "the device closed the session before the output ended"
    dropped = EOFError | ConnectionError | ReadException | SSHException | OSError
    if isinstance(error, dropped) or any(h in text for h in _DISCONNECT_HINTS):
        return ErrorClass.DISCONNECTED, first_line(text) or type(error).__name__
    if isinstance(error, ValueError) and "pattern" in text.lower():
        # netmiko raises ValueError when it cannot find the prompt it expects after login
        return ErrorClass.REJECTED, first_line(text)
    return ErrorClass.INTERNAL, f"{type(error).__name__}: {first_line(text)}"


def _keep_session_log(
    directory: Path, trace: SessionTrace, platform: Platform, device: Device, outcome: str
) -> None:
    credentials: tuple[str, ...] = (device.password.reveal(),)
    if device.enable_secret is not None:
        credentials += (device.enable_secret.reveal(),)
    text = masked_session(platform, trace.text(), credentials)
    try:
        write_session_log(directory, device.name, text, outcome)
    except OSError as error:  # a log that cannot be written must not fail the backup
        trace.step(f"session log not written: {error}")


def collect_config(task: Task, run: CollectPass) -> Result:
    """Nornir task: the whole collection of one device, bounded by the per-device timeout.

    The deadline covers everything (TCP, login, every command): the watchdog cuts the socket when
    it passes, so a device that never stops talking cannot hold the worker.
    """
    device = device_of(task.host)
    platform = get_platform(device.platform)
    timeout = run.options.timeout
    started = datetime.now(UTC)
    deadline = time.monotonic() + timeout
    config: str | None = None
    error_class: ErrorClass | None = None
    message = ""
    watch: _Watch | None = None
    log_dir = run.options.session_log_dir
    trace = SessionTrace(device.name, keep_text=log_dir is not None)
    tracing = CURRENT.set(trace)
    route: Route | None = None
    try:
        trace.step(f"connect {device.hostname}:{device.port} (attempt {run.attempt})")
        # opened here, not by the connection plugin, so the watchdog holds it from the start
        connect_timeout = float(device.connect_options.get("conn_timeout", 10.0))  # type: ignore[arg-type]
        # direct, to the jump host, or to ssh_config's ProxyCommand
        route = Route.open(device, min(timeout, connect_timeout), run.options.ssh_config)
        trace.step("TCP connected")
        watch = WATCHDOG.watch(route.tcp, deadline, run)
        remaining = max(0.001, deadline - time.monotonic())
        task.host.connection_options[CONNECTION_NAME].extras = {
            **(task.host.connection_options[CONNECTION_NAME].extras or {}),
            **route.netmiko_options(device),
            "sock": route.device_socket(device, remaining, run.options.host_keys),
            LOGIN_TIMEOUT_EXTRA: max(0.001, deadline - time.monotonic()),
            HOST_KEYS_EXTRA: route.host_keys(run.options.host_keys),
        }
        session = open_session(task.host, task.nornir.config)  # login + set-up commands
        # Privileged mode before the first command, as Oxidized does: with command authorisation
        # a device may refuse even 'show version' at the user prompt. No-op where there is none.
        session.enable(max(0.001, deadline - time.monotonic()))
        outputs: list[str] = []
        for command in platform.commands:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ReadTimeout(f"deadline of {timeout:g} s passed before {command.command!r}")
            read_timeout = min(remaining, command.read_timeout or remaining)
            # configuration text may quote the prompt (a banner): confirm where the output ends
            outputs.append(
                session.send(command.command, read_timeout, confirm_end=command.is_config)
            )
        # The operator's commands after the platform's: a slow or refused one never delays or
        # changes what the configuration itself gets.
        extra_outputs: list[tuple[str, str]] = []
        for extra in device.extra_commands:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ReadTimeout(f"deadline of {timeout:g} s passed before {extra!r}")
            extra_outputs.append((extra, session.send(extra, remaining, confirm_end=False)))
        config = clean(
            platform, outputs, mask_secrets=run.options.mask_secrets, extra_outputs=extra_outputs
        )
    except Exception as error:  # every failure becomes data; the run goes on
        cut = watch is not None and watch.expired
        error_class, message = classify(
            error, deadline_passed=cut or time.monotonic() >= deadline, device=device.name
        )
        if error_class is ErrorClass.TIMEOUT and cut:
            message = f"no complete configuration within the {timeout:g} s deadline; session cut"
    finally:
        if watch is not None:
            WATCHDOG.release(watch)
        # A half-dead session may fail to close; it is gone anyway.
        with contextlib.suppress(Exception):
            task.host.close_connections()
        if route is not None:
            route.close()
        CURRENT.reset(tracing)
    outcome = "ok" if error_class is None else f"{error_class.value}: {message}"
    trace.step(outcome)
    if log_dir is not None:
        _keep_session_log(log_dir, trace, platform, device, outcome)
    collected = CollectResult(
        device=device.name,
        provider=device.provider,
        platform=device.platform,
        started_at=started,
        ended_at=datetime.now(UTC),
        config=config,
        error_class=error_class,
        message=message,
        attempts=run.attempt,
    )
    return Result(host=task.host, result=collected)
