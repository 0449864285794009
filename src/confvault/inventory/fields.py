"""Check each host, group and defaults entry where it is written, before any inheritance.

A value is checked once, at its definition: a bad password in a group is one problem naming the
group, not one per host. Bad values are kept as ``INVALID`` so that hosts inheriting them are not
also reported as "missing".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from confvault.errors import UnknownPlatformError
from confvault.inventory import netmiko_options as options
from confvault.inventory.credentials import CredentialError, resolve_credential
from confvault.inventory.problems import Problems
from confvault.inventory.source import Element, as_map
from confvault.inventory.yaml_loader import YamlMap, shorten
from confvault.models import Secret
from confvault.platforms import get_platform, platform_names


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = _Invalid()

# A host name or provider becomes a path segment of the archive (`<provider>/<name>.cfg`).
SAFE_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_HOSTNAME = re.compile(r"[A-Za-z0-9._:%\[\]-]{1,253}")
ATTRIBUTES = ("hostname", "port", "username", "password", "platform")
_ELEMENT_KEYS = (*ATTRIBUTES, "groups", "data", "connection_options")
_CONNECTION_KEYS = (*ATTRIBUTES, "extras")
KNOWN_DATA_KEYS = ("provider", "active", "accept_shrink", "extra_commands")
# First words of commands that change a device's state: enter configuration ('conf t', any word
# starting 'conf'), save ('write', 'wr', 'save'), copy over or erase files, reboot, clear or reset
# counters and sessions, Junos 'request'/'set', VRP/Comware 'system-view'/'undo'. A backup only
# reads; an explicit short list (with the usual abbreviations) rather than an allow list, because
# operators' read commands are too many to enumerate and none starts with one of these words.
STATE_CHANGING_WORDS = frozenset(
    (
        *("configure", "write", "wr", "save", "copy", "delete", "del", "erase"),
        *("reload", "reboot", "clear", "reset", "request", "set", "system-view", "undo"),
    )
)
# Output pipes and redirects that write a file on the device (IOS '| redirect', '| tee',
# '| append', Junos '| save', NX-OS '> bootflash:x'): a 'show' command too can change state.
_WRITING_PIPE = re.compile(r"\|\s*(?:redirect|tee|append|save)\b|>", re.IGNORECASE)
CONNECTION = "netmiko"  # the only connection plugin confvault uses


@dataclass(slots=True)
class Fields:
    """The checked values one element defines itself (absent or null keys are left out)."""

    element: Element
    attributes: dict[str, object] = field(default_factory=dict)
    groups: tuple[str, ...] = ()
    data: dict[str, object] = field(default_factory=dict)
    netmiko: dict[str, object] | None = None  # connection_options.netmiko, same keys + "extras"


def canonical_platform(name: str) -> str:
    """The registry's name for ``name`` (aliases such as ``ios`` resolve to ``cisco_ios``).

    Unknown names raise ``ValueError`` listing the known ones.
    """
    try:
        platform = get_platform(name)
    except UnknownPlatformError as exc:
        raise ValueError(str(exc)) from None
    return platform.name


def _hostname(value: object) -> object:
    if not isinstance(value, str) or not _HOSTNAME.fullmatch(value):
        raise ValueError(f"expected an address or DNS name, got {shorten(value)}")
    return value


def _port(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise ValueError(f"expected a TCP port 1..65535, got {shorten(value)}")
    return value


def _platform(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(f"expected a platform name, got {shorten(value)}")
    return canonical_platform(value)


def _credential_checker(
    env: Mapping[str, str], folder: Path, *, secret: bool
) -> Callable[[object], object]:
    def check(value: object) -> object:
        if not isinstance(value, str):
            # Never echo it: an unquoted numeric password is still a password.
            raise ValueError(f"expected text (quote it), got a {type(value).__name__}")
        try:
            resolved = resolve_credential(value, env=env, folder=folder)
        except CredentialError as exc:
            raise ValueError(str(exc)) from None
        if not secret and (not resolved.strip() or any(c in resolved for c in "\r\n\0")):
            raise ValueError("expected a user name on one line")
        return Secret(resolved) if secret else resolved

    return check


def _checkers(element: Element, env: Mapping[str, str]) -> dict[str, Callable[[object], object]]:
    return {
        "hostname": _hostname,
        "port": _port,
        "platform": _platform,
        "username": _credential_checker(env, element.folder, secret=False),
        "password": _credential_checker(env, element.folder, secret=True),
        "secret": _credential_checker(env, element.folder, secret=True),
    }


def _unknown_key(key: object, known: tuple[str, ...]) -> str:
    hint = difflib.get_close_matches(str(key), known, n=1)
    return f"unknown key {shorten(key)}" + (f" (did you mean {hint[0]!r}?)" if hint else "")


def check_element(element: Element, env: Mapping[str, str], problems: Problems) -> Fields:
    """Check the keys and values one element writes itself; record each problem once."""
    fields = Fields(element)
    checkers = _checkers(element, env)
    allowed = (
        _ELEMENT_KEYS if element.kind != "defaults" else (*ATTRIBUTES, "data", "connection_options")
    )
    body = element.body
    for key, value in body.items():
        if key not in allowed:
            problems.add(f"{element.at(str(key))}: {_unknown_key(key, allowed)}")
        elif value is None:
            continue  # nornir treats `key: null` like an absent key
        elif key in ATTRIBUTES:
            fields.attributes[key] = _checked(element, key, value, checkers[key], problems)
        elif key == "groups":
            fields.groups = _group_list(element, value, problems)
        elif key == "data":
            fields.data = _data(element, value, problems)
        else:
            fields.netmiko = _connection_options(element, value, checkers, problems)
    return fields


def _checked(
    element: Element,
    name: str,
    value: object,
    check: Callable[[object], object],
    problems: Problems,
    mapping: YamlMap | None = None,
) -> object:
    try:
        return check(value)
    except ValueError as exc:
        problems.add(f"{element.at(name, mapping)}: {exc}")
        return INVALID


def _group_list(element: Element, value: object, problems: Problems) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(g, str) for g in value):
        problems.add(f"{element.at('groups')}: expected a list of group names")
        return ()
    return tuple(dict.fromkeys(value))


def _data(element: Element, value: object, problems: Problems) -> dict[str, object]:
    data = as_map(value)
    if data is None:
        problems.add(f"{element.at('data')}: expected a mapping, got {type(value).__name__}")
        return {}
    result: dict[str, object] = {}
    for key, item in data.items():
        name = f"data.{key}"
        if key == "provider":
            if not isinstance(item, str) or not SAFE_SEGMENT.fullmatch(item):
                problems.add(
                    f"{element.at(name, data)}: expected a name of letters, digits, '.', '_' or "
                    f"'-' (it becomes an archive folder), got {shorten(item)}"
                )
                item = INVALID
        elif key in ("active", "accept_shrink"):
            if not isinstance(item, bool) and item is not None:
                problems.add(
                    f"{element.at(name, data)}: expected true or false, got {shorten(item)}"
                )
                item = INVALID
        elif key == "extra_commands":
            item = _checked(element, name, item, extra_commands, problems, data)
        elif isinstance(key, str) and difflib.get_close_matches(key, KNOWN_DATA_KEYS, cutoff=0.75):
            # Free-form data is allowed (nornir's), but `activ: false` must not go unnoticed.
            problems.add(f"{element.at(name, data)}: {_unknown_key(key, KNOWN_DATA_KEYS)}")
        result[str(key)] = item
    return result


def _paging_commands() -> frozenset[str]:
    """Every platform's own set-up commands ('set cli screen-length 0'): they only read."""
    return frozenset(c for name in platform_names() for c in get_platform(name).dialogue.setup)


def _changes_state(first_word: str) -> bool:
    """The word is one of STATE_CHANGING_WORDS, extends one ('clear-counters'), or abbreviates
    one as CLIs accept ('rel' for reload, 'cop' for copy, 'conf' for configure, 'req')."""
    return first_word.startswith("conf") or any(
        word.startswith(first_word) or first_word.startswith(word) for word in STATE_CHANGING_WORDS
    )


def extra_commands(value: object) -> object:
    """``data.extra_commands``: a list of one-line, read-only commands, as a tuple."""
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise ValueError(f"expected a list of commands, got {shorten(value)}")
    commands: list[str] = []
    for command in value:
        text = command.strip()
        if not text or any(c in text for c in "\r\n\0"):
            raise ValueError(f"expected each command non-empty on one line, got {shorten(command)}")
        first = text.split()[0].lower()
        changes = _changes_state(first)
        if changes and text not in _paging_commands():
            raise ValueError(
                f"{text!r} would change the device ({first!r} commands are refused: "
                "confvault only reads)"
            )
        if _WRITING_PIPE.search(text):
            raise ValueError(f"{text!r} would write a file on the device: confvault only reads")
        commands.append(text)
    return tuple(dict.fromkeys(commands))


def _connection_options(
    element: Element,
    value: object,
    checkers: Mapping[str, Callable[[object], object]],
    problems: Problems,
) -> dict[str, object] | None:
    options = as_map(value)
    if options is None:
        problems.add(f"{element.at('connection_options')}: expected a mapping")
        return None
    netmiko: dict[str, object] | None = None
    for name, body in options.items():
        at = element.at(f"connection_options.{name}", options)
        if name != CONNECTION:
            problems.add(f"{at}: unknown connection (confvault connects with netmiko only)")
            continue
        mapping = as_map(body)
        if body is None:
            continue
        if mapping is None:
            problems.add(f"{at}: expected a mapping")
            continue
        netmiko = {}
        for key, item in mapping.items():
            name_in = f"connection_options.netmiko.{key}"
            if key not in _CONNECTION_KEYS:
                problems.add(
                    f"{element.at(name_in, mapping)}: {_unknown_key(key, _CONNECTION_KEYS)}"
                )
            elif item is None:
                continue
            elif key == "extras":
                netmiko["extras"] = _extras(element, item, checkers, problems)
            else:
                netmiko[key] = _checked(element, name_in, item, checkers[key], problems, mapping)
    return netmiko


def _extras(
    element: Element,
    value: object,
    checkers: Mapping[str, Callable[[object], object]],
    problems: Problems,
) -> dict[str, object]:
    extras = as_map(value)
    prefix = "connection_options.netmiko.extras"
    if extras is None:
        problems.add(f"{element.at(prefix)}: expected a mapping")
        return {}
    result: dict[str, object] = {}
    for key, item in extras.items():
        name = f"{prefix}.{key}"
        check = _extra_checker(str(key), element, checkers)
        if key in options.REFUSED:
            problems.add(f"{element.at(name, extras)}: not supported ({options.REFUSED[key]})")
        elif check is None:
            problems.add(f"{element.at(name, extras)}: {_unknown_key(key, options.KNOWN)}")
        elif item is not None:
            result[str(key)] = _checked(element, name, item, check, problems, extras)
    return result


def _extra_checker(
    key: str, element: Element, checkers: Mapping[str, Callable[[object], object]]
) -> Callable[[object], object] | None:
    if key in options.CREDENTIALS:
        return checkers["secret"]
    if key == "jump_host":
        return options.jump_checker(
            checkers["secret"], checkers["username"], checkers["hostname"], element.folder
        )
    if key in options.PATHS:
        return options.path_checker(element.folder, must_exist=options.PATHS[key])
    return options.PASS_THROUGH.get(key) or options.OWN_FLAGS.get(key)
