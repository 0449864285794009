"""Telnet for lab devices whose spec says ``transport: telnet``: the login prompts, then the same
session engine (``DeviceSession``) as over SSH, driven through a small stand-in for its channel.

No option negotiation (a lab device sends no IAC sequences; the client answers none).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from confvault_lab.session import DeviceSession

if TYPE_CHECKING:
    from confvault_lab.device import DeviceRuntime
    from confvault_lab.server import LabServer

USERNAME_PROMPT = b"\r\nUser Access Verification\r\n\r\nUsername: "
PASSWORD_PROMPT = b"Password: "
LOGIN_FAILED = b"\r\n% Authentication failed\r\n\r\n"
MAX_LOGIN_TRIES = 3


class _Channel:
    """What DeviceSession uses of an SSH channel: write, close, the connection's abort."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport

    def write(self, data: bytes) -> None:
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self._transport.close()

    def abort(self) -> None:
        self._transport.abort()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self if name == "connection" else default


class TelnetDevice(asyncio.Protocol):
    """One telnet connection: Username/Password, then the device's CLI."""

    def __init__(self, lab: LabServer, device: DeviceRuntime) -> None:
        self._lab = lab
        self._device = device
        self._channel: _Channel | None = None
        self._buffer = b""
        self._username: str | None = None
        self._tries = 0
        self._session: DeviceSession | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._channel = _Channel(transport)  # type: ignore[arg-type]  # a stream transport
        self._channel.write(USERNAME_PROMPT)

    def data_received(self, data: bytes) -> None:
        if self._session is not None:
            self._session.data_received(data, None)
            return
        self._buffer += data
        session = None
        while session is None and (line := self._take_line()) is not None:
            session = self._login_step(line)
        if session is not None:
            self._session = session
            if self._buffer:
                session.data_received(self._buffer, None)  # typed ahead of the prompt
                self._buffer = b""

    def _take_line(self) -> str | None:
        self._buffer = self._buffer.lstrip(b"\n\0")  # the LF or NUL after a CR ends nothing
        for index, byte in enumerate(self._buffer):
            if byte in b"\r\n":
                line, self._buffer = self._buffer[:index], self._buffer[index + 1 :]
                return line.decode("utf-8", "replace")
        return None

    def _login_step(self, line: str) -> DeviceSession | None:
        """One answer to a login prompt; the device's session once the password is right."""
        channel = self._channel
        if channel is None:
            return None
        if self._username is None:
            self._username = line.strip()
            channel.write(b"\r\n" + PASSWORD_PROMPT)
            return None
        credentials = self._device.spec.credentials
        accepted = (
            self._lab.fault_of(self._device.spec.name) != "auth_reject"
            and self._username == credentials.username
            and line == credentials.password
        )
        self._username = None
        if not accepted:
            self._lab.auth_rejected += 1
            self._tries += 1
            channel.write(LOGIN_FAILED)
            if self._tries >= MAX_LOGIN_TRIES:
                channel.close()
            else:
                channel.write(USERNAME_PROMPT.lstrip(b"\r\n"))
            return None
        session = DeviceSession(self._lab, self._device, credentials.username)
        session.connection_made(channel)  # type: ignore[arg-type]  # the stand-in channel
        session.session_started()
        return session

    def eof_received(self) -> bool:
        if self._session is not None:
            self._session.eof_received()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self._session is not None:
            self._session.connection_lost(exc)
