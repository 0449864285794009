"""One interactive SSH shell on a simulated device: echo, prompts, enable, pager, commands.

Runs without asyncssh's line editor (it glues prompts and misleads netmiko's prompt detection):
input is echoed once per received chunk, CR / LF / CRLF are one Enter, output uses ``\\r\\n``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import asyncssh

from confvault_lab.device import SLOW_RATE_BPS, DeviceRuntime
from confvault_lab.platforms import platform_named

if TYPE_CHECKING:
    from confvault_lab.server import LabServer

log = logging.getLogger(__name__)

ENTER = (13, 10)
MENU_PROMPT = "Press any key to continue (Q to quit)"  # the `unexpected_prompt` fault
PROMPT_IN_OUTPUT_PAUSE_S = 0.3  # the `prompt_in_output` fault: longer than one read takes


class DeviceSession(asyncssh.SSHServerSession[bytes]):
    def __init__(self, lab: LabServer, device: DeviceRuntime, username: str) -> None:
        self._lab = lab
        self._device = device
        platform = platform_named(device.spec.platform)
        self._cli = platform.cli
        self._user = username
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._inbox: asyncio.Queue[bytes] = asyncio.Queue()
        self._pending = b""  # received but not yet consumed (type-ahead), not yet echoed
        self._skip_lf = False  # the previous Enter was a bare CR: a following LF is part of it
        self._enabled = self._cli.enable_prompt is None
        self._paging = self._cli.pager_prompt is not None
        self._task: asyncio.Task[None] | None = None
        self._fault = lab.fault_of(device.spec.name)
        self._config_commands = frozenset(platform.config_commands)
        self._version_commands = frozenset(platform.version_commands)

    # -- asyncssh callbacks --------------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan

    def pty_requested(self, term_type: str, term_size: object, term_modes: object) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        return False

    def session_started(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def data_received(self, data: bytes, datatype: int | None) -> None:
        self._inbox.put_nowait(data)

    def eof_received(self) -> bool:
        self._inbox.put_nowait(b"")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()

    # -- the session -------------------------------------------------------------------------

    async def _run(self) -> None:
        self._device.sessions += 1
        try:
            latency = self._device.spec.latency
            if latency.login_s:
                await asyncio.sleep(latency.login_s)
            if not await self._ask_login_question():
                return
            self._write("\r\n" + self._prompt())
            while (line := await self._read_line(echo=True)) is not None:
                if not await self._execute(line):
                    break
                self._write(self._prompt())
        except (asyncio.CancelledError, ConnectionError, asyncssh.Error, BrokenPipeError):
            pass  # the client went away: not a lab problem
        except Exception as error:  # a bug in the lab: counted, logged, never silent
            self._lab.record_error(self._device.spec.name, error)
            return
        finally:
            if self._chan is not None:
                self._chan.close()
        self._lab.record_session()

    async def _ask_login_question(self) -> bool:
        """The `login_question` fault: ask the platform's question; False ends the session."""
        question = self._cli.login_question
        if self._fault != "login_question" or question is None:
            return True
        self._write("\r\n" + question)
        answer = await self._read_line(echo=True)
        return answer is not None and answer.strip().lower() in self._cli.login_continue

    def _prompt(self) -> str:
        if self._fault == "unexpected_prompt":
            return MENU_PROMPT
        if self._fault == "no_hostname":
            return self._cli.unnamed(self._user, self._enabled)
        prompt = self._cli.prompt(self._device.spec.name, self._user, self._enabled)
        if self._fault == "chassis_state" and self._cli.chassis_state:
            return f"\r\n{self._cli.chassis_state}\r\n{prompt}"
        return prompt

    def _write(self, text: str) -> None:
        self._chan_write_bytes(text.encode("utf-8", "replace"))

    async def _next_chunk(self) -> bytes | None:
        if self._pending:
            chunk, self._pending = self._pending, b""
            return chunk
        chunk = await self._inbox.get()
        return chunk or None  # b"" marks end of input

    async def _read_line(self, echo: bool) -> str | None:
        """Collect one line; echo what was consumed, once per chunk."""
        line = b""
        while True:
            chunk = await self._next_chunk()
            if chunk is None:
                return None
            if self._skip_lf and chunk[:1] == b"\n":
                chunk = chunk[1:]
            self._skip_lf = False
            enter_at = next((i for i, byte in enumerate(chunk) if byte in ENTER), -1)
            if enter_at < 0:
                line += chunk
                if echo:
                    self._chan_write_bytes(chunk)
                continue
            line += chunk[:enter_at]
            rest = chunk[enter_at + 1 :]
            if chunk[enter_at] == 13:
                if rest[:1] == b"\n":
                    rest = rest[1:]
                elif not rest:
                    self._skip_lf = True
            self._pending = rest
            self._chan_write_bytes((chunk[:enter_at] if echo else b"") + b"\r\n")
            return line.decode("utf-8", "replace")

    def _chan_write_bytes(self, data: bytes) -> None:
        if self._chan is None:
            raise ConnectionError("the session has no channel")
        if data:
            self._chan.write(data)

    async def _execute(self, raw_line: str) -> bool:
        """Run one command line; False ends the session."""
        command = " ".join(raw_line.split())
        cli = self._cli
        if self._fault == "unexpected_prompt" or not command:
            return True
        if self._device.spec.latency.command_s:
            await asyncio.sleep(self._device.spec.latency.command_s)
        if command in cli.exit_commands:
            return False
        paging_once_off = False
        if cli.no_paging_pipe and command.endswith(cli.no_paging_pipe):
            command, paging_once_off = command.removesuffix(cli.no_paging_pipe).strip(), True
        if cli.enable_prompt and command in ("enable", "en"):
            await self._enable()
        elif self._refused_before_enable(command):
            self._reply(cli.authorisation_denied.format(command=command))
        elif cli.enable_prompt and command == "disable":
            self._enabled = False
        elif command in cli.paging_off:
            self._paging = False
            self._reply(cli.replies.get(command))
        elif command in cli.replies:
            self._reply(cli.replies[command])
        elif command in cli.silent_commands:
            pass
        elif command in self._config_commands:
            if cli.config_needs_enable and not self._enabled:
                self._reply(cli.error(self._prompt(), command, 1))
            else:
                return await self._send_config(paging_once_off)
        elif command in self._version_commands:
            await self._send_output(self._device.version_text(), paging_once_off)
        elif command in cli.show_replies:
            await self._send_output(cli.show_replies[command], paging_once_off)
        else:
            self._reply(cli.error(self._prompt(), command, 0))
        return True

    def _refused_before_enable(self, command: str) -> bool:
        """The `command_authorisation` fault: only set-up commands pass at the user prompt
        (terminal settings are privilege level 0/1, outside level-15 command authorisation)."""
        cli = self._cli
        if self._fault != "command_authorisation" or self._enabled or not cli.enable_prompt:
            return False
        setup = (*cli.paging_off, *cli.replies, *cli.silent_commands, "disable")
        return command not in setup

    def _reply(self, text: str | None) -> None:
        if text:
            self._write(text + "\r\n")

    async def _enable(self) -> None:
        if self._enabled:
            return
        self._write("Password: ")
        secret = await self._read_line(echo=False)
        if secret is not None and secret == self._device.spec.credentials.enable:
            self._enabled = True
        else:
            self._reply(self._cli.enable_denied)

    async def _send_config(self, paging_once_off: bool) -> bool:
        fault = self._fault
        if fault == "garbage":
            self._chan_write_bytes(self._device.garbage() + b"\r\n")
            return True
        text = self._device.config_text(self._lab.lab_dir, fault)
        if fault == "disconnect":
            lines = text.split("\n")
            self._write("\r\n".join(lines[: len(lines) // 2]) + "\r\n")
            await asyncio.sleep(0.05)  # let the first half reach the client, then drop
            if self._chan is not None:
                self._chan.get_extra_info("connection").abort()
            return False
        rate = SLOW_RATE_BPS if fault == "slow" else None
        if fault == "prompt_in_output":
            # a banner line that is exactly the prompt, the output pausing right after it (before
            # its line break): only what comes next tells the end of output from this line
            lines = text.rstrip("\n").split("\n")
            middle = len(lines) // 2
            await self._send_output("\n".join(lines[:middle]), paging_once_off)
            self._write(self._prompt())
            await asyncio.sleep(PROMPT_IN_OUTPUT_PAUSE_S)
            self._write("\r\n")
            text = "\n".join(lines[middle:]) + "\n"
        await self._send_output(text, paging_once_off, rate)
        return True

    async def _send_output(
        self, text: str, paging_once_off: bool = False, rate_bps: int | None = None
    ) -> None:
        """Write command output, paged if paging is on, throttled to the device's rate."""
        lines = text.rstrip("\n").split("\n")
        endless = self._fault == "endless_pager"
        pager = self._cli.pager_prompt or self._cli.fault_pager_prompt
        paged = endless or (self._paging and not paging_once_off and self._cli.pager_prompt)
        rate = rate_bps if rate_bps is not None else self._device.spec.latency.rate_bps
        if not paged:
            await self._throttled("\r\n".join(lines) + "\r\n", rate)
            return
        page = self._cli.page_lines
        for start in range(0, len(lines), page):
            await self._throttled("\r\n".join(lines[start : start + page]) + "\r\n", rate)
            if start + page >= len(lines) and not endless:
                return
            if not await self._wait_pager_key(pager):
                return
        while endless:  # the pager that never ends: every key brings the prompt back
            if not await self._wait_pager_key(pager):
                return

    async def _wait_pager_key(self, pager: str) -> bool:
        """Show the pager prompt, wait for a key; False when the user quits (q) or leaves."""
        self._write(pager)
        chunk = await self._next_chunk()
        if chunk is None:
            raise ConnectionError("client closed the session at the pager")
        self._pending = chunk[1:]
        self._write("\r" + " " * len(pager) + "\r")
        return chunk[:1] not in (b"q", b"Q")

    async def _throttled(self, text: str, rate_bps: int) -> None:
        data = text.encode("utf-8", "replace")
        if not rate_bps:
            self._chan_write_bytes(data)
            return
        step = max(1, rate_bps // 20)  # 20 writes per second keeps the rate smooth and cheap
        for offset in range(0, len(data), step):
            self._chan_write_bytes(data[offset : offset + step])
            await asyncio.sleep(0.05)
