"""The CLI dialogue with a device, over the SSH channel netmiko opened: no step waits for a clock.

netmiko finds prompts by sleeping and re-reading (``find_prompt`` sleeps, ``send_command`` polls
and calls ``find_prompt`` first, session preparation sleeps in ``clear_buffer``): that costs
every device time even when it answers at once, and keeps idle threads waking for nothing while
a slow device logs in (figures in bench/README.md). Here every read blocks on the channel until
bytes arrive, and each step ends when the platform's ``Dialogue`` patterns say so (scrapli's
model): the prompt, the enable password question, a login question, a pager.

Every write is followed by reading its whole answer, so nothing stale is left for the next step;
a command's output starts after its echo (as netmiko's ``cmd_verify``) and ends at the exact
prompt the session learned at login, on a line of its own: a config line that merely contains
the hostname cannot end a read early.
"""

from __future__ import annotations

import codecs
import time
from collections.abc import Callable
from typing import Any

from netmiko.exceptions import NetmikoAuthenticationException, ReadException, ReadTimeout

from confvault.models import ErrorClass
from confvault.platforms import OutputRejected
from confvault.platforms.clean import terminal_line
from confvault.platforms.spec import Dialogue
from confvault.runner.trace import CURRENT, SessionTrace

RECV_BYTES = 65536
MAX_LOGIN_ANSWERS = 5  # a device that keeps asking is not going to show a CLI


def last_line(buffer: str, start: int = 0) -> str:
    """The text after the last line break as the terminal shows it (escapes, overwrites applied)."""
    cut = max(buffer.rfind("\n"), start - 1)
    tail = buffer[cut + 1 :]
    if "\r" in tail:  # a pager erased with '\r   \r', a line redrawn: the last visible text
        shown = [line for segment in tail.split("\r") if (line := terminal_line(segment))]
        return shown[-1] if shown else ""
    return terminal_line(tail)


class ChannelReader:
    """Blocking reads from a paramiko channel: the thread sleeps until bytes arrive."""

    def __init__(
        self, channel: Any, encoding: str = "utf-8", trace: SessionTrace | None = None
    ) -> None:
        self._channel = channel
        self._trace = trace
        # a multi-byte character split across two packets decodes whole
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")

    def read(self, deadline: float, waiting_for: str) -> str:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ReadTimeout(f"no {waiting_for} from the device within the read timeout")
        self._channel.settimeout(remaining)
        try:
            data = self._channel.recv(RECV_BYTES)
        except TimeoutError:
            raise ReadTimeout(f"no {waiting_for} from the device within the read timeout") from None
        except (OSError, EOFError) as error:
            raise ReadException(f"Channel stream closed by remote device. ({error})") from None
        if not data:
            raise ReadException("Channel stream closed by remote device.")
        text = self._decoder.decode(data)
        if self._trace is not None:
            self._trace.received(text)
        return text


class CliSession:
    """One logged-in CLI: learns its prompt, turns paging off, runs commands, enters enable."""

    def __init__(self, connection: Any, dialogue: Dialogue) -> None:
        self._connection = connection  # netmiko's BaseConnection: channel, secret, encoding
        self._dialogue = dialogue
        self._trace = CURRENT.get()  # set by the device task for --verbose / --session-log
        self._reader = ChannelReader(connection.remote_conn, connection.encoding, self._trace)
        self._enter = str(getattr(connection, "RETURN", "\n"))  # netmiko's per-driver Enter
        self.prompt = ""

    # -- steps ---------------------------------------------------------------------------------

    def open(self, timeout: float) -> str:
        """Wait for the first prompt (answering login questions), then send the set-up commands."""
        deadline = time.monotonic() + timeout
        self._step("SSH login done; waiting for the CLI prompt")
        self.prompt = self._login(deadline)
        self._step(f"prompt {self.prompt!r}")
        for command in self._dialogue.setup:
            # a set-up command a device refuses is not fatal: a pager still on is caught later
            self.send(command, deadline - time.monotonic())
        return self.prompt

    def send(self, command: str, timeout: float, *, confirm_end: bool = False) -> str:
        """Run one command; return its raw output between the echo line and the closing prompt.

        ``confirm_end``: the output may hold a line that is exactly the prompt (a banner quoting
        it) and pause there; an empty line sent then tells the two apart (``_confirm_end``).
        """
        started = time.monotonic()
        deadline = started + timeout
        self._write(command + self._enter)
        buffer, body_at = self._read_past_echo(command, deadline)

        def at_prompt(tail: str) -> bool:
            return self._at_prompt(command, tail)

        buffer = self._read_until(buffer, body_at, deadline, f"prompt after {command!r}", at_prompt)
        end = buffer.rfind("\n") + 1
        if confirm_end:
            buffer, end = self._confirm_end(command, buffer, body_at, deadline)
        # raw, as the device sent it: platforms.clean is the one normaliser
        output = buffer[body_at:end]
        seconds = time.monotonic() - started
        self._step(f"command {command!r}: {len(output.encode())} bytes in {seconds:.3f} s")
        return output

    def enable(self, timeout: float) -> None:
        """Enter privileged mode, answering the password question with the enable secret."""
        privileged = self._dialogue.privileged_regex
        if privileged is None or privileged.fullmatch(self.prompt):
            return
        deadline = time.monotonic() + timeout
        command = self._dialogue.enable_command
        self._write(command + self._enter)
        buffer, body_at = self._read_past_echo(command, deadline)
        asks = self._dialogue.password_regex.search
        buffer = self._read_until(
            buffer,
            body_at,
            deadline,
            "enable password prompt",
            lambda tail: asks(tail) is not None or self._is_prompt(tail),
        )
        if asks(last_line(buffer, body_at)):
            self._write((self._connection.secret or "") + self._enter)
            buffer = self._read_until("", 0, deadline, "prompt after enable", self._is_prompt)
        self.prompt = last_line(buffer)
        if not privileged.fullmatch(self.prompt):
            self._step(f"enable refused (prompt {self.prompt!r})")
            raise NetmikoAuthenticationException("enable secret rejected")
        self._step(f"enable: privileged prompt {self.prompt!r}")

    # -- reading -------------------------------------------------------------------------------

    def _at_prompt(self, command: str, tail: str) -> bool:
        pager = self._dialogue.pager_regex
        if pager is not None and pager.search(tail):
            raise OutputRejected(
                ErrorClass.REJECTED,
                f"output of {command!r} stopped at a pager prompt ({tail!r}): "
                "paging could not be turned off for this session",
            )
        return tail == self.prompt

    def _confirm_end(
        self, command: str, buffer: str, start: int, deadline: float
    ) -> tuple[str, int]:
        """Send an empty line and read on until its echo and a fresh prompt follow a prompt line.

        A device reads typed input only at its prompt, so the empty line is answered after the
        output has really ended: a prompt-shaped configuration line followed by more output is
        then just output. Returns the buffer and where the closing prompt line starts.
        """
        self._write(self._enter)
        waiting_for = f"prompt after the empty line sent after {command!r}"
        while True:
            buffer += self._reader.read(deadline, waiting_for)
            if self._at_prompt(command, last_line(buffer, start)):
                closing = self._prompt_line_before_last(buffer, start)
                if closing is not None:
                    return buffer, closing

    def _prompt_line_before_last(self, buffer: str, start: int) -> int | None:
        """Where the prompt line before the last line starts, skipping blank lines and the
        platform's preamble lines ('{master:0}'); None when another line comes first."""
        preamble = self._dialogue.preamble_regex
        pos = buffer.rfind("\n", start)
        while pos >= start:
            begin = max(buffer.rfind("\n", start, pos) + 1, start)
            shown = last_line(buffer[begin:pos])
            if shown == self.prompt:
                return begin
            if shown and (preamble is None or not preamble.search(shown)):
                return None
            pos = begin - 1
        return None

    def _login(self, deadline: float) -> str:
        answered = 0
        buffer = ""
        while True:
            try:
                buffer += self._reader.read(deadline, "CLI prompt after login")
            except (ReadTimeout, ReadException):
                if not buffer.strip():
                    raise  # nothing at all: a slow login (a timeout), not a strange screen
                # it talks, but not at a CLI prompt: a menu or banner waiting for a key.
                # Retrying would meet the same screen.
                shown = last_line(buffer) or buffer.strip().splitlines()[-1]
                raise OutputRejected(
                    ErrorClass.REJECTED,
                    f"logged in, but no CLI prompt appeared (the device shows {shown!r})",
                ) from None
            tail = last_line(buffer)
            if self._is_prompt(tail):
                return tail
            for question, answer in self._dialogue.answer_regexes:
                if question.search(tail) and answered < MAX_LOGIN_ANSWERS:
                    answered += 1
                    self._write(answer + self._enter)
                    buffer = ""
                    break

    def _read_past_echo(self, command: str, deadline: float) -> tuple[str, int]:
        """Read until the command's echoed line has ended; stale prompts before it are dropped."""
        buffer = ""
        while True:
            buffer += self._reader.read(deadline, f"echo of {command!r}")
            at = buffer.find(command)
            if at >= 0:
                line_end = buffer.find("\n", at)
                if line_end >= 0:
                    return buffer, line_end + 1

    def _read_until(
        self,
        buffer: str,
        start: int,
        deadline: float,
        waiting_for: str,
        done: Callable[[str], bool],
    ) -> str:
        while not done(last_line(buffer, start)):
            buffer += self._reader.read(deadline, waiting_for)
        return buffer

    def _step(self, what: str) -> None:
        if self._trace is not None:
            self._trace.step(what)

    def _is_prompt(self, line: str) -> bool:
        return self._dialogue.prompt_regex.fullmatch(line) is not None

    def _write(self, text: str) -> None:
        try:
            self._connection.remote_conn.sendall(text.encode(self._connection.encoding))
        except TimeoutError:
            raise ReadTimeout("the device stopped accepting input") from None
        except (OSError, EOFError) as error:
            raise ReadException(f"Channel stream closed by remote device. ({error})") from None
