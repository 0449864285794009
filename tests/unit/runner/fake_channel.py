"""A scripted device behind a fake paramiko channel: no SSH, no clock (an empty read times out)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

Reply = Callable[[str], list[str]]  # a line the session wrote -> the chunks the device answers


class FakeChannel:
    def __init__(self, greeting: list[str], reply: Reply) -> None:
        self._pending: deque[bytes] = deque(chunk.encode() for chunk in greeting if chunk)
        self._reply = reply
        self.written: list[str] = []
        self.closed = False

    def settimeout(self, timeout: float) -> None:
        self.timeout = timeout

    def recv(self, size: int) -> bytes:
        if self._pending:
            return self._pending.popleft()
        if self.closed:
            return b""
        raise TimeoutError  # what paramiko raises when the timeout passes with nothing read

    def sendall(self, data: bytes) -> None:
        text = data.decode()
        self.written.append(text)
        chunks = self._reply(text.removesuffix("\n"))
        self._pending.extend(chunk.encode() for chunk in chunks if chunk)  # b'' means closed


def connection(channel: FakeChannel, secret: str = "") -> Any:
    """The parts of netmiko's BaseConnection the dialogue uses."""
    return SimpleNamespace(remote_conn=channel, encoding="utf-8", secret=secret, RETURN="\n")


def answer(prompt: str, outputs: dict[str, str] | None = None) -> Reply:
    """A device that echoes each line, prints its output (CRLF), then the prompt."""
    outputs = outputs or {}

    def reply(line: str) -> list[str]:
        body = outputs.get(line, "")
        if body and not body.endswith("\n"):
            body += "\n"
        return [f"{line}\r\n", body.replace("\r\n", "\n").replace("\n", "\r\n"), prompt]

    return reply


def in_lines(text: str) -> list[str]:
    """A device's answer as one read per line (a pager and its eraser arrive together: split
    between them, the dialogue would rightly see a session stopped at a pager)."""
    return text.splitlines(keepends=True)
