"""Each simulated platform's CLI behaviour, kept as data (one frozen dataclass per platform).

The session engine in ``session.py`` is generic; everything a platform does differently (prompt
shape, enable, pager, set-up command replies, error text) is read from a ``PlatformCli`` here.
Behaviour follows docs/platform-contract.md and what netmiko 4.8 expects of each class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# (prompt, command line, index of the offending token) -> error lines
ErrorRenderer = Callable[[str, str, int], str]


def _caret_under(prompt: str, line: str, token_index: int) -> str:
    """A caret under the start of the offending token, aligned with the echoed command."""
    tokens = line.split()
    column = len(prompt)
    if token_index < len(tokens):
        column += line.find(tokens[token_index])
    return " " * column + "^"


def _caret_error(message: str) -> ErrorRenderer:
    def render(prompt: str, line: str, token_index: int) -> str:
        return f"{_caret_under(prompt, line, token_index)}\r\n{message}"

    return render


def _arista_error(prompt: str, line: str, token_index: int) -> str:
    tokens = line.split() or [""]
    bad = tokens[min(token_index, len(tokens) - 1)]
    return f"% Invalid input (at token {token_index}: '{bad}')"


def _mikrotik_error(prompt: str, line: str, token_index: int) -> str:
    tokens = line.split() or [""]
    return f"bad command name {tokens[0]} (line 1 column 1)"


_CISCO_ERROR = _caret_error("% Invalid input detected at '^' marker.")


@dataclass(frozen=True, slots=True)
class PlatformCli:
    """How one platform's CLI looks and answers, as plain data."""

    key: str  # netmiko device_type
    user_prompt: str  # format string with {name} and {user}
    enable_prompt: str | None  # None: the platform has no enable step (already privileged)
    pager_prompt: str | None  # None: the platform never pages
    paging_off: tuple[str, ...]  # commands that turn paging off for the session
    replies: dict[str, str] = field(default_factory=dict)  # set-up command -> exact reply
    error: ErrorRenderer = _CISCO_ERROR
    config_needs_enable: bool = False
    exit_commands: tuple[str, ...] = ("exit", "quit", "logout")
    page_lines: int = 24
    # Commands accepted silently (no output) besides the replies above.
    silent_commands: tuple[str, ...] = ()
    # What the platform asks before the first prompt in some states (the `login_question` fault)
    # and the answers that lead on to the CLI; any other answer ends the session.
    login_question: str | None = None
    login_continue: tuple[str, ...] = ()

    def prompt(self, name: str, user: str, enabled: bool) -> str:
        template = self.enable_prompt if (enabled and self.enable_prompt) else self.user_prompt
        return template.format(name=name, user=user)


_CISCO_SETUP = ("terminal width 511",)

PLATFORMS: dict[str, PlatformCli] = {
    "cisco_ios": PlatformCli(
        key="cisco_ios",
        user_prompt="{name}>",
        enable_prompt="{name}#",
        pager_prompt=" --More-- ",
        paging_off=("terminal length 0",),
        silent_commands=_CISCO_SETUP,
        config_needs_enable=True,
    ),
    "cisco_nxos": PlatformCli(
        key="cisco_nxos",
        user_prompt="{name}#",
        enable_prompt=None,
        pager_prompt=" --More-- ",
        paging_off=("terminal length 0",),
        silent_commands=_CISCO_SETUP,
        error=_caret_error("% Invalid command at '^' marker."),
    ),
    "cisco_xr": PlatformCli(
        key="cisco_xr",
        user_prompt="RP/0/RSP0/CPU0:{name}#",
        enable_prompt=None,
        pager_prompt=" --More-- ",
        paging_off=("terminal length 0",),
        silent_commands=_CISCO_SETUP,
    ),
    "arista_eos": PlatformCli(
        key="arista_eos",
        user_prompt="{name}>",
        enable_prompt="{name}#",
        pager_prompt=" --More-- ",
        paging_off=("terminal length 0",),
        replies={
            "terminal length 0": "Pagination disabled.",
            "terminal width 511": "Width set to 511 columns.",
        },
        error=_arista_error,
        config_needs_enable=True,
    ),
    "juniper_junos": PlatformCli(
        key="juniper_junos",
        user_prompt="{user}@{name}> ",
        enable_prompt=None,
        pager_prompt="---(more)---",
        paging_off=("set cli screen-length 0",),
        replies={
            "set cli screen-length 0": "Screen length set to 0",
            "set cli screen-width 511": "Screen width set to 511",
            "set cli complete-on-space off": "Disabling complete-on-space",
        },
        error=_caret_error("unknown command."),
    ),
    "huawei": PlatformCli(
        key="huawei",
        user_prompt="<{name}>",
        enable_prompt=None,
        pager_prompt="  ---- More ----",
        paging_off=("screen-length 0 temporary",),
        replies={
            "screen-length 0 temporary": (
                "Info: The configuration takes effect on the current user terminal interface only."
            ),
        },
        error=_caret_error("Error: Unrecognized command found at '^' position."),
        login_question="Warning: The password has expired.\r\n"
        "The password needs to be changed. Change now? [Y/N]: ",
        login_continue=("n",),
    ),
    "mikrotik_routeros": PlatformCli(
        key="mikrotik_routeros",
        user_prompt="[{user}@{name}] > ",
        enable_prompt=None,
        pager_prompt=None,
        paging_off=(),
        error=_mikrotik_error,
        login_question="Do you want to see the software license? [Y/n]: ",
        login_continue=("n",),
    ),
    "hp_comware": PlatformCli(
        key="hp_comware",
        user_prompt="<{name}>",
        enable_prompt=None,
        pager_prompt="---- More ----",
        paging_off=("screen-length disable",),
        replies={
            "screen-length disable": "% Screen-length configuration is disabled for current user.",
        },
        error=_caret_error("% Unrecognized command found at '^' position."),
        login_question="Press Y or ENTER to continue, N to exit.",
        login_continue=("", "y"),
    ),
}

# Short, readable tags used in generated device names (acme-ios-001).
NAME_TAGS: dict[str, str] = {
    "cisco_ios": "ios",
    "cisco_nxos": "nxos",
    "cisco_xr": "xr",
    "arista_eos": "eos",
    "juniper_junos": "junos",
    "huawei": "vrp",
    "mikrotik_routeros": "ros",
    "hp_comware": "comware",
}
