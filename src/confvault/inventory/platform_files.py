"""A project's own platforms: one ``platforms/<name>.yaml`` data file each, checked at load.

Each problem is one ``file:line: key: ...`` line (a ``ConfigError``, exit 2): a platform that
cannot be built never reaches a device. A file may replace a built-in platform of its name.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from confvault.errors import ConfigError
from confvault.inventory.yaml_loader import YamlMap, display_path, read_yaml_file, shorten
from confvault.platforms import (
    PLATFORMS,
    Command,
    Dialogue,
    LineRule,
    Platform,
    project_platforms,
    with_project_platforms,
)
from confvault.platforms.registry import index

log = logging.getLogger(__name__)

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_PLATFORM_KEYS = {
    "name", "netmiko", "aliases", "comment_prefix", "dialogue", "commands", "error_patterns",
    "volatile", "secrets", "end_marker", "required", "balanced_braces", "min_config_lines",
    "section_header",
}  # fmt: skip
_REQUIRED_KEYS = ("name", "netmiko", "comment_prefix", "dialogue", "commands")
_DIALOGUE_KEYS = {
    "prompt", "privileged_prompt", "enable_command", "password_prompt", "setup", "pager",
    "login_answers", "prompt_preamble",
}  # fmt: skip
_COMMAND_KEYS = {"command", "enable", "as_comment", "is_config", "read_timeout", "keep", "drop"}
_RULE_KEYS = {"drop", "mask", "replacement", "within"}


class _Reader:
    """Typed access to one mapping of the file; every complaint names the file, line and key."""

    def __init__(self, where: str, node: object, path: str, allowed: set[str]) -> None:
        if not isinstance(node, dict):
            raise ConfigError(f"{where}: {path or 'file'}: expected a mapping, got {shorten(node)}")
        self.where, self.node, self.path = where, node, path
        self.line = getattr(node, "line", 0)
        for key in node:
            if key not in allowed:
                raise self.error(key, f"unknown key (expected one of {', '.join(sorted(allowed))})")

    def key_path(self, key: object) -> str:
        return f"{self.path}.{key}" if self.path else str(key)

    def error(self, key: object, problem: str) -> ConfigError:
        line = self.node.line_of(key) if isinstance(self.node, YamlMap) else self.line
        return ConfigError(f"{self.where}:{line}: {self.key_path(key)}: {problem}")

    def get(self, key: str, check: Callable[[object], Any], default: Any = None) -> Any:
        if key not in self.node or self.node[key] is None:
            return default
        try:
            return check(self.node[key])
        except ValueError as exc:
            raise self.error(key, str(exc)) from None

    def need(self, key: str, check: Callable[[object], Any]) -> Any:
        if key not in self.node or self.node[key] is None:
            raise ConfigError(f"{self.where}:{self.line}: {self.key_path(key)}: missing")
        return self.get(key, check)


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {shorten(value)}")
    return value


def _regex(value: object) -> str:
    pattern = _text(value)
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regex {pattern!r}: {exc}") from None
    return pattern


def _list_of(check: Callable[[object], str]) -> Callable[[object], tuple[str, ...]]:
    def checked(value: object) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise ValueError(f"expected a list, got {shorten(value)}")
        return tuple(check(item) for item in value)

    return checked


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {shorten(value)}")
    return value


def _name(value: object) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise ValueError(f"expected a lower-case name like 'acme_ios', got {shorten(value)}")
    return value


def _positive_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"expected a whole number >= 1, got {shorten(value)}")
    return value


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 86400:
        raise ValueError(f"expected seconds in (0, 86400], got {shorten(value)}")
    return float(value)


def _login_answers(where: str, node: object, path: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(node, list):
        raise ConfigError(
            f"{where}: {path}: expected a list of question/answer, got {shorten(node)}"
        )
    answers = []
    for i, item in enumerate(node):
        entry = _Reader(where, item, f"{path}[{i}]", {"question", "answer"})
        answers.append((entry.need("question", _regex), entry.need("answer", str)))
    return tuple(answers)


def _dialogue(where: str, node: object) -> Dialogue:
    reader = _Reader(where, node, "dialogue", _DIALOGUE_KEYS)
    answers = reader.node.get("login_answers")
    return Dialogue(
        prompt=reader.need("prompt", _regex),
        privileged_prompt=reader.get("privileged_prompt", _regex),
        enable_command=reader.get("enable_command", _text, "enable"),
        password_prompt=reader.get("password_prompt", _regex, r"[Pp]assword:"),
        setup=reader.get("setup", _list_of(_text), ()),
        pager=reader.get("pager", _regex),
        login_answers=()
        if answers is None
        else _login_answers(where, answers, "dialogue.login_answers"),
        prompt_preamble=reader.get("prompt_preamble", _regex),
    )


def _commands(where: str, reader: _Reader) -> tuple[Command, ...]:
    node = reader.node["commands"]
    if not isinstance(node, list) or not node:
        raise reader.error("commands", f"expected a list of commands, got {shorten(node)}")
    commands = []
    for i, item in enumerate(node):
        entry = _Reader(where, item, f"commands[{i}]", _COMMAND_KEYS)
        is_config = entry.get("is_config", _flag, False)
        as_comment = entry.get("as_comment", _flag, False)
        if is_config and as_comment:
            raise entry.error("as_comment", "the configuration command cannot be a comment")
        commands.append(
            Command(
                entry.need("command", _text),
                enable=entry.get("enable", _flag, False),
                as_comment=as_comment,
                is_config=is_config,
                read_timeout=entry.get("read_timeout", _seconds),
                keep=entry.get("keep", _list_of(_regex), ()),
                drop=entry.get("drop", _list_of(_regex), ()),
            )
        )
    configs = sum(1 for c in commands if c.is_config)
    if configs != 1:
        problem = "no command has is_config: true" if configs == 0 else "more than one is_config"
        raise reader.error("commands", f"{problem} (exactly one command collects the config)")
    return tuple(commands)


def _rules(where: str, reader: _Reader, key: str) -> tuple[LineRule, ...]:
    node = reader.node.get(key)
    if node is None:
        return ()
    if not isinstance(node, list):
        raise reader.error(key, f"expected a list of drop/mask rules, got {shorten(node)}")
    rules = []
    for i, item in enumerate(node):
        rule = _Reader(where, item, f"{key}[{i}]", _RULE_KEYS)
        if ("drop" in rule.node) == ("mask" in rule.node):
            raise ConfigError(f"{where}:{rule.line}: {key}[{i}]: needs exactly one of drop, mask")
        within = rule.get("within", _regex)
        if "drop" in rule.node:
            if "replacement" in rule.node:
                raise rule.error("replacement", "only a mask rule has a replacement")
            rules.append(LineRule(rule.need("drop", _regex), None, within))
        else:
            rules.append(LineRule(rule.need("mask", _regex), rule.need("replacement", str), within))
    return tuple(rules)


def read_platform_file(path: Path, device_types: Collection[str] = ()) -> Platform:
    """One platform from its data file; ``ConfigError`` naming file, line and key otherwise.

    ``device_types``: the netmiko ones the ``netmiko`` key may name (empty: not checked)."""
    where = display_path(path)
    reader = _Reader(where, read_yaml_file(path, where), "", _PLATFORM_KEYS)
    for key in _REQUIRED_KEYS:
        reader.need(key, lambda value: value)
    name = reader.need("name", _name)
    netmiko = reader.need("netmiko", _name)
    if device_types and netmiko not in device_types:
        raise reader.error(
            "netmiko", f"{netmiko!r} is not a netmiko device_type{_near(netmiko, device_types)}"
        )
    built_in = next((p for p in PLATFORMS if p.name == name), None)
    default_aliases = built_in.aliases if built_in is not None else ()
    volatile = _rules(where, reader, "volatile")
    secrets = _rules(where, reader, "secrets")
    header = reader.get("section_header", _regex)
    if header is None and any(r.within for r in (*volatile, *secrets)):
        raise reader.error("section_header", "missing: a rule 'within' a section needs it")
    try:
        return _platform(reader, name, volatile, secrets, header, default_aliases)
    except ValueError as exc:  # a check of the platform table itself, e.g. an empty alias
        raise ConfigError(f"{where}: {exc}") from None


def _platform(
    reader: _Reader,
    name: str,
    volatile: tuple[LineRule, ...],
    secrets: tuple[LineRule, ...],
    header: str | None,
    default_aliases: tuple[str, ...],
) -> Platform:
    where = reader.where
    return Platform(
        name=name,
        netmiko_device_type=reader.node["netmiko"],
        aliases=tuple(a.lower() for a in reader.get("aliases", _list_of(_name), default_aliases)),
        comment_prefix=reader.need("comment_prefix", _text),
        dialogue=_dialogue(where, reader.node["dialogue"]),
        commands=_commands(where, reader),
        error_patterns=reader.get("error_patterns", _list_of(_regex), ()),
        volatile=volatile,
        secrets=secrets,
        end_marker=reader.get("end_marker", _regex),
        required=reader.get("required", _list_of(_regex), ()),
        balanced_braces=reader.get("balanced_braces", _flag, False),
        min_config_lines=reader.get("min_config_lines", _positive_int, 1),
        section_header=header,
    )


def _near(name: str, known: Collection[str]) -> str:
    matches = difflib.get_close_matches(name, sorted(known), n=3)
    return f" (did you mean {', '.join(repr(m) for m in matches)}?)" if matches else ""


def load_platform_files(
    platforms_dir: Path, device_types: Collection[str] = ()
) -> tuple[Platform, ...]:
    """Every ``*.yaml`` platform of the folder (none when it does not exist), name order."""
    if not platforms_dir.is_dir():
        return ()
    platforms: list[Platform] = []
    files: dict[str, str] = {}
    for path in sorted(platforms_dir.glob("*.yaml")):
        platform = read_platform_file(path, device_types)
        where = display_path(path)
        if platform.name in files:
            raise ConfigError(
                f"{where}: name: {platform.name!r} is also defined in {files[platform.name]}"
            )
        files[platform.name] = where
        try:
            index(with_project_platforms((*platforms, platform)))
        except ValueError as exc:  # an alias that another platform already answers to
            raise ConfigError(f"{where}: aliases: {exc}") from None
        if any(p.name == platform.name for p in PLATFORMS):
            log.warning("platform %s from %s replaces the built-in one", platform.name, where)
        platforms.append(platform)
    return tuple(platforms)


@contextmanager
def platforms_of_project(
    platforms_dir: Path, device_types: Collection[str] = ()
) -> Iterator[tuple[Platform, ...]]:
    """The project's platforms, known to the inventory and the runner until the block ends."""
    platforms = load_platform_files(platforms_dir, device_types)
    with project_platforms(platforms):
        yield platforms
