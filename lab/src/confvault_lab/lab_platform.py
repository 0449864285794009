"""What the lab knows of one simulated platform, as one record of data and plain functions.

Each module in ``confvault_lab.platforms`` defines one ``PLATFORM``; the session engine
(``session.py``), the device runtime and ``configgen`` read everything platform-specific from it.
CLI behaviour follows docs/platform-contract.md and what netmiko 4.8 expects of each class.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from confvault_lab.device_errors import ErrorRenderer, caret_error
from confvault_lab.generation.edits import EditRules, edit_body
from confvault_lab.generation.skeleton import Opening, PlantedSecrets
from confvault_lab.generation.values import body_rng, identity_rng

_CISCO_ERROR = caret_error("% Invalid input detected at '^' marker.")


@dataclass(frozen=True, slots=True)
class PlatformCli:
    """How one platform's CLI looks and answers, as plain data."""

    user_prompt: str  # format string with {name} and {user}
    enable_prompt: str | None  # None: the platform has no enable step (already privileged)
    pager_prompt: str | None  # None: the platform never pages
    paging_off: tuple[str, ...]  # commands that turn paging off for the session
    replies: dict[str, str] = field(default_factory=dict)  # set-up command -> exact reply
    error: ErrorRenderer = _CISCO_ERROR
    config_needs_enable: bool = False
    enable_denied: str = "% Bad secrets"  # the reply to a wrong enable secret
    exit_commands: tuple[str, ...] = ("exit", "quit", "logout")
    page_lines: int = 24
    # Read-only show commands answered with fixed text, paged like any output ('show inventory').
    show_replies: dict[str, str] = field(default_factory=dict)
    # Commands accepted silently (no output) besides the replies above.
    silent_commands: tuple[str, ...] = ()
    # A pipe that turns paging off for one command (Junos '| no-more'); None: there is none.
    no_paging_pipe: str | None = None
    # The pager the `endless_pager` fault shows on a platform that never pages by itself.
    fault_pager_prompt: str = ""
    # What the platform asks before the first prompt in some states (the `login_question` fault)
    # and the answers that lead on to the CLI; any other answer ends the session.
    login_question: str | None = None
    login_continue: tuple[str, ...] = ()
    # What command authorisation answers before enable (the `command_authorisation` fault).
    authorisation_denied: str = "Command authorization failed."
    # The `no_hostname` fault: the host name a device shows when none is configured, or the
    # prompt template then (Junos shows 'user> ', no '@').
    default_name: str = "Router"
    unnamed_prompt: str | None = None
    # The `chassis_state` fault: a line the platform prints before each prompt ('{master:0}').
    chassis_state: str | None = None

    def prompt(self, name: str, user: str, enabled: bool) -> str:
        template = self.enable_prompt if (enabled and self.enable_prompt) else self.user_prompt
        return template.format(name=name, user=user)

    def unnamed(self, user: str, enabled: bool) -> str:
        """The prompt of a device without a configured host-name."""
        if self.unnamed_prompt is not None:
            return self.unnamed_prompt.format(user=user)
        return self.prompt(self.default_name, user, enabled)


def _drop_end_keyword(lines: list[str]) -> list[str]:
    while lines and lines[-1].strip() in ("end", "return", ""):
        lines.pop()
    return lines


def _drop_closing_braces(lines: list[str]) -> list[str]:
    while lines and lines[-1].strip() == "}":
        lines.pop()
    return lines


def _stop_on_continuation(lines: list[str]) -> list[str]:
    continued = [i for i, line in enumerate(lines) if line.endswith("\\")]
    if continued:
        return lines[: continued[-1] + 1]
    lines[-1] += " \\"
    return lines


def _drop_last_quarter(lines: list[str]) -> list[str]:
    return lines[: max(1, len(lines) * 3 // 4)]


class Truncation(enum.Enum):
    """How a truncated real session of the platform looks (the `no_end_marker` fault)."""

    END_KEYWORD = "the closing 'end' or 'return' (and blank lines) missing"
    CLOSING_BRACES = "the closing braces missing"
    OPEN_CONTINUATION = "the text stops on a line continued with a backslash"
    LAST_QUARTER = "the last quarter of the lines missing (the output has no end marker)"

    def cut(self, text: str) -> str:
        lines = _CUTS[self](text.rstrip("\n").split("\n"))
        return "\n".join(lines) + "\n"


_CUTS: dict[Truncation, Callable[[list[str]], list[str]]] = {
    Truncation.END_KEYWORD: _drop_end_keyword,
    Truncation.CLOSING_BRACES: _drop_closing_braces,
    Truncation.OPEN_CONTINUATION: _stop_on_continuation,
    Truncation.LAST_QUARTER: _drop_last_quarter,
}


IdentityT = TypeVar("IdentityT", bound=PlantedSecrets)


@dataclass(frozen=True, slots=True)
class ConfigGenerator(Generic[IdentityT]):
    """The platform's own text: a device's identity, its body and its command outputs."""

    # Facts about a device that do not depend on the body size (model, serial, secrets).
    draw_identity: Callable[[random.Random], IdentityT]
    # The body text: (device, identity, opening draws, size in bytes) -> body.
    assemble_body: Callable[[str, IdentityT, Opening, int], str]
    # Output of the configuration command: (device, identity, body, now, session number).
    render_config: Callable[[str, IdentityT, str, datetime, int], str]
    # Output of the version command: (device, identity, now, boot time).
    render_version: Callable[[str, IdentityT, datetime, datetime], str]


@dataclass(frozen=True, slots=True)
class LabPlatform(Generic[IdentityT]):
    """One simulated platform: its CLI, commands, truncation shape and configuration generator."""

    name: str  # netmiko device_type, also the name of the module that defines it
    tag: str  # short and readable, in generated device names (acme-ios-001)
    cli: PlatformCli
    config_commands: tuple[str, ...]
    version_commands: tuple[str, ...]
    truncation: Truncation
    generator: ConfigGenerator[IdentityT]
    edits: EditRules  # where the n-th realistic edit goes (mutate_body)

    def identity(self, device: str) -> IdentityT:
        return self.generator.draw_identity(identity_rng(self.name, device, "identity"))

    def generate_body(self, device: str, size: int) -> str:
        opening = Opening.draw(body_rng(self.name, device, size))
        return self.generator.assemble_body(device, self.identity(device), opening, size)

    def config_text(self, device: str, body: str, now: datetime, session_no: int) -> str:
        identity = self.identity(device)
        return self.generator.render_config(device, identity, body, now, session_no)

    def version_text(self, device: str, now: datetime, boot_time: datetime) -> str:
        return self.generator.render_version(device, self.identity(device), now, boot_time)

    def mutate_body(self, body: str, n: int) -> str:
        return edit_body(self.name, body, n, self.edits)

    def planted_secrets(self, device: str) -> tuple[str, ...]:
        return self.identity(device).planted_secrets
