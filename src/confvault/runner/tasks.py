"""The per-device Nornir task: log in, run the platform's commands, close, clean.

It runs on a worker thread, talks only to its device, and never raises: every failure becomes a
``CollectResult`` with an ``ErrorClass`` (failures are data, as in Nornir's ``Result``).
"""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime

from netmiko.exceptions import (
    NetmikoAuthenticationException,
    NetmikoTimeoutException,
    ReadException,
    ReadTimeout,
)
from nornir.core.task import Result, Task
from nornir_netmiko.tasks import netmiko_send_command
from paramiko.ssh_exception import AuthenticationException, SSHException

from confvault.models import CollectResult, Device, ErrorClass
from confvault.platforms import OutputRejected, clean, get_platform

_UNREACHABLE_HINTS = ("TCP connection to device failed", "DNS failure", "Connection refused")
_DISCONNECT_HINTS = ("Socket is closed", "closed by remote", "EOF", "Connection reset", "not open")


def first_line(text: str, limit: int = 300) -> str:
    """Netmiko's messages are multi-line essays; keep the line that says what happened."""
    for line in text.strip().splitlines():
        line = line.strip()
        if line and not line.startswith("Common causes"):
            return line[:limit]
    return text.strip()[:limit]


def classify(error: BaseException, *, deadline_passed: bool) -> tuple[ErrorClass, str]:
    """Map an exception raised while talking to a device to an error class and one readable line."""
    text = str(error)
    if isinstance(error, OutputRejected):
        return error.error_class, str(error)
    if isinstance(error, NetmikoAuthenticationException | AuthenticationException):
        return ErrorClass.AUTH, "authentication failed (username, password or enable secret rejected)"
    if isinstance(error, ConnectionRefusedError) or any(h in text for h in _UNREACHABLE_HINTS):
        return ErrorClass.UNREACHABLE, first_line(text)
    if deadline_passed:
        return ErrorClass.TIMEOUT, "device did not finish within its deadline"
    if isinstance(error, ReadTimeout):
        return ErrorClass.TIMEOUT, first_line(text)
    if isinstance(error, NetmikoTimeoutException | socket.timeout | TimeoutError):
        return ErrorClass.TIMEOUT, first_line(text)
    if isinstance(error, EOFError | ConnectionError | ReadException | SSHException | OSError) or any(
        h in text for h in _DISCONNECT_HINTS
    ):
        return ErrorClass.DISCONNECTED, first_line(text) or type(error).__name__
    if isinstance(error, ValueError) and "pattern" in text.lower():
        # netmiko raises ValueError when it cannot find the prompt it expects after login
        return ErrorClass.REJECTED, first_line(text)
    return ErrorClass.INTERNAL, f"{type(error).__name__}: {first_line(text)}"


def collect_config(task: Task, *, timeout: float, mask_secrets: bool, attempt: int = 1) -> Result:
    """Nornir task: the whole collection of one device, bounded by ``timeout`` seconds."""
    device: Device = task.host.data["device"]
    platform = get_platform(device.platform)
    started = datetime.now(UTC)
    deadline = time.monotonic() + timeout
    config: str | None = None
    error_class: ErrorClass | None = None
    message = ""
    try:
        outputs: list[str] = []
        for command in platform.commands:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ReadTimeout(f"deadline of {timeout:g} s passed before {command.command!r}")
            read_timeout = min(remaining, command.read_timeout or remaining)
            result = netmiko_send_command(
                task,
                command_string=command.command,
                enable=command.enable,
                read_timeout=read_timeout,
            )
            outputs.append(str(result.result))
        config = clean(platform, outputs, mask_secrets=mask_secrets)
    except Exception as error:  # noqa: BLE001 - every failure becomes data, the run goes on
        error_class, message = classify(error, deadline_passed=time.monotonic() >= deadline)
    finally:
        try:
            task.host.close_connections()
        except Exception:  # noqa: BLE001, S110 - a half-dead session may fail to close; it is gone anyway
            pass
    collected = CollectResult(
        device=device.name,
        provider=device.provider,
        platform=device.platform,
        started_at=started,
        ended_at=datetime.now(UTC),
        config=config,
        error_class=error_class,
        message=message,
        attempts=attempt,
    )
    return Result(host=task.host, result=collected)
