"""The vocabulary of per-platform knowledge: commands, line rules and the ``Platform`` table.

Everything here is a frozen, slotted dataclass whose regexes compile in ``__post_init__``, so a bad
pattern in a platform module fails when the module is imported, never halfway through a run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from confvault.errors import ConfvaultError
from confvault.models import ErrorClass

REMOVED = "<removed>"


class OutputRejected(ConfvaultError):  # noqa: N818 (name fixed by the runner contract)
    """A device's output must not be archived: it refused a command or the output is incomplete."""

    def __init__(self, error_class: ErrorClass, message: str) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.message = message


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        # A ValueError, not a ConfvaultError: a broken platform table is a bug in confvault.
        raise ValueError(f"{where}: bad regex {pattern!r}: {exc}") from exc


def _compile_all(patterns: tuple[str, ...], where: str) -> tuple[re.Pattern[str], ...]:
    # A lone string would silently become one pattern per character.
    if isinstance(cast("object", patterns), str):
        raise TypeError(f"{where}: expected a tuple of regexes, got the string {patterns!r}")
    return tuple(_compile(p, where) for p in patterns)


@dataclass(frozen=True, slots=True)
class LineRule:
    """Drop each line the pattern matches (``replacement is None``) or rewrite it (``re.sub``).

    ``within``: only inside sections whose header line matches it (the platform says what a
    section header is: RouterOS's '/snmp community' block holds community names in 'name=').
    """

    pattern: str
    replacement: str | None = None
    within: str | None = None
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    within_regex: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", _compile(self.pattern, "line rule"))
        within = None if self.within is None else _compile(self.within, "line rule within")
        object.__setattr__(self, "within_regex", within)

    @property
    def drops(self) -> bool:
        return self.replacement is None


def drop(pattern: str) -> LineRule:
    """A rule that removes every line matching ``pattern`` (``re.search``)."""
    return LineRule(pattern)


def mask(pattern: str, replacement: str, *, within: str | None = None) -> LineRule:
    """A rule that rewrites matches of ``pattern`` in each line with ``replacement``
    (``within``: only in sections whose header matches it)."""
    return LineRule(pattern, replacement, within)


@dataclass(frozen=True, slots=True)
class Command:
    """One command sent to the device, and how its output is trimmed before archiving."""

    command: str
    enable: bool = False  # needs privileged mode (the runner enters it before the first command)
    as_comment: bool = False  # informational output, archived as comment lines
    keep: tuple[str, ...] = ()  # when set, only lines matching one of these are kept
    drop: tuple[str, ...] = ()  # lines of this command's output that are never archived
    is_config: bool = False  # the configuration itself: completeness checks apply to it
    read_timeout: float | None = None  # seconds netmiko waits for the prompt; None = runner default
    keep_regexes: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    drop_regexes: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = f"command {self.command!r}"
        if not self.command.strip():
            raise ValueError("command: empty command text")
        if self.is_config and self.as_comment:
            raise ValueError(f"{where}: the configuration command cannot be a comment")
        object.__setattr__(self, "keep_regexes", _compile_all(self.keep, f"{where} keep"))
        object.__setattr__(self, "drop_regexes", _compile_all(self.drop, f"{where} drop"))


@dataclass(frozen=True, slots=True)
class Dialogue:
    """How a session with the platform's CLI goes, as scrapli describes its platforms.

    The runner never waits for a clock: every step reads until the device answers with a prompt,
    a question or a pager, each recognised by one of these patterns (matched against the last
    line of output, ANSI codes and trailing blanks removed).
    """

    prompt: str  # fullmatch of any CLI prompt of the platform: "R1>", "<HUAWEI>", "u@r1>"
    privileged_prompt: str | None = None  # fullmatch once privileged; None: no enable step
    enable_command: str = "enable"
    password_prompt: str = r"[Pp]assword:"  # noqa: S105 (a prompt, not a password)
    setup: tuple[str, ...] = ()  # sent once after login, as netmiko does: paging off, width
    pager: str | None = None  # search: paging is still on (the output would stop here)
    # (question, answer): prompts some devices show before the CLI, answered as netmiko does
    login_answers: tuple[tuple[str, str], ...] = ()
    # search: a line the device prints before each prompt (Junos '{master:0}'), never output
    prompt_preamble: str | None = None
    prompt_regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    privileged_regex: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    password_regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    pager_regex: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    preamble_regex: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    answer_regexes: tuple[tuple[re.Pattern[str], str], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "prompt_regex", _compile(self.prompt, "dialogue prompt"))
        privileged = self.privileged_prompt
        set_(
            self,
            "privileged_regex",
            None if privileged is None else _compile(privileged, "dialogue privileged_prompt"),
        )
        set_(self, "password_regex", _compile(self.password_prompt, "dialogue password_prompt"))
        pager = None if self.pager is None else _compile(self.pager, "dialogue pager")
        set_(self, "pager_regex", pager)
        preamble = self.prompt_preamble
        set_(
            self,
            "preamble_regex",
            None if preamble is None else _compile(preamble, "dialogue prompt_preamble"),
        )
        answers = tuple((_compile(q, "dialogue login_answers"), a) for q, a in self.login_answers)
        set_(self, "answer_regexes", answers)


@dataclass(frozen=True, slots=True)
class Platform:
    """What confvault knows about one network OS. ``name`` is the netmiko ``device_type`` unless
    ``netmiko_device_type`` says otherwise (a project's own platform reusing a netmiko class)."""

    name: str
    commands: tuple[Command, ...]
    comment_prefix: str
    dialogue: Dialogue
    aliases: tuple[str, ...] = ()
    error_patterns: tuple[str, ...] = ()  # the device refused a command
    volatile: tuple[LineRule, ...] = ()  # changes on every collection: dropped or rewritten
    secrets: tuple[LineRule, ...] = ()  # applied only when mask_secrets is on
    end_marker: str | None = None  # the last non-blank config line must match this
    end_marker_label: str = ""  # how messages name the end marker; derived from the regex if empty
    required: tuple[str, ...] = ()  # each must match at least one config line
    balanced_braces: bool = False  # '{' and '}' outside quotes must balance (Junos)
    min_config_lines: int = 1
    section_header: str | None = None  # a line that opens a section (RouterOS: '/ip address')
    netmiko_device_type: str = ""  # the netmiko class to log in with; empty: ``name`` (built-ins)
    error_regexes: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    end_regex: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    required_regexes: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    section_regex: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = f"platform {self.name!r}"
        config_commands = [c for c in self.commands if c.is_config]
        if len(config_commands) != 1:
            raise ValueError(f"{where}: needs exactly one is_config command")
        set_ = object.__setattr__
        header = self.section_header
        set_(self, "section_regex", None if header is None else _compile(header, where))
        if header is None and any(r.within for r in (*self.volatile, *self.secrets)):
            raise ValueError(f"{where}: a rule 'within' a section needs the section_header")
        set_(self, "error_regexes", _compile_all(self.error_patterns, f"{where} error_patterns"))
        set_(self, "required_regexes", _compile_all(self.required, f"{where} required"))
        end = None if self.end_marker is None else _compile(self.end_marker, f"{where} end_marker")
        set_(self, "end_regex", end)
        if self.end_marker is not None and not self.end_marker_label:
            # "^end$" reads as 'end' in messages.
            set_(self, "end_marker_label", repr(self.end_marker.strip("^$")))

    @property
    def device_type(self) -> str:
        """The netmiko ``device_type`` a session with this platform logs in as."""
        return self.netmiko_device_type or self.name

    @property
    def config_command(self) -> Command:
        return next(c for c in self.commands if c.is_config)
