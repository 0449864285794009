"""Strict YAML reading shared by the settings and inventory loaders.

PyYAML's safe loader silently keeps the last of two equal keys and forgets where each value came
from. Operators need both: a duplicate host is an error, and every message names ``file:line``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from confvault.errors import ConfigError

# The C parser is ~10x faster on big host files; construction stays in Python either way.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_MERGE_TAG = "tag:yaml.org,2002:merge"
_MAX_SHOWN = 60


class YamlMap(dict[Any, Any]):
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        lines: dict[Any, int] = getattr(self, "key_lines", None) or {}
        return lines.get(key, self.line)


# Aliases let ~500 bytes stand for billions of values ("billion laughs"). Parsing stays cheap (one
# object per node), but anything that walks or prints the value expands it. A real inventory's
# aliases (`<<: *defaults` per host) expand it by a small factor; a bomb by thousands.
_EXPANSION_SLACK = 10_000
_EXPANSION_FACTOR = 100


class _StrictLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loader that rejects duplicate keys and builds ``YamlMap`` mappings."""


class _AliasCheckingLoader(_StrictLoader):
    """For documents that may hold aliases (a ``*`` anywhere): refuses alias bombs first."""

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        _refuse_alias_bomb(node)
        return self.construct_document(node)


def _refuse_alias_bomb(root: yaml.Node) -> None:
    """Count the values the document stands for without expanding it (each node once)."""
    expanded: dict[int, int] = {}
    order: list[yaml.Node] = []
    stack = [root]
    while stack:  # iterative post-order: deep documents must not hit the recursion limit
        node = stack.pop()
        if id(node) in expanded:
            continue
        expanded[id(node)] = 0
        order.append(node)
        stack.extend(_children(node))
    for node in reversed(order):  # children before parents
        expanded[id(node)] = 1 + sum(expanded[id(child)] for child in _children(node))
    total = expanded[id(root)]
    if total > _EXPANSION_SLACK + _EXPANSION_FACTOR * len(order):
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"aliases expand {len(order)} YAML values to {total}: refused (an alias bomb?)",
            root.start_mark,
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _construct_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Any:
    data = YamlMap()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    first_line: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue  # keys pulled in by `<<:` may be overridden on purpose
        key = loader.construct_object(key_node, deep=True)
        try:
            seen_at = first_line.get(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if seen_at is not None:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {shorten(key)} (first defined on line {seen_at})",
                key_node.start_mark,
            )
        first_line[key] = key_node.start_mark.line + 1
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            data[key] = loader.construct_object(value_node, deep=True)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        data.key_lines[key] = key_node.start_mark.line + 1


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path) if path.is_absolute() and _inside_cwd(path) else str(path)
    except ValueError:  # pragma: no cover - different drive on Windows
        return str(path)


def _inside_cwd(path: Path) -> bool:
    try:
        path.relative_to(Path.cwd())
    except (ValueError, OSError):
        return False
    return True


def shorten(value: object) -> str:
    """``repr`` of a user value, on one line and cut to a readable length.

    Built piece by piece and stopped at the length shown: a value may be huge, or share parts
    with itself through YAML aliases, and a full ``repr`` would materialise all of it."""
    pieces: list[str] = []
    _bounded_repr(value, pieces, [_MAX_SHOWN + 1])
    text = one_line("".join(pieces))
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _bounded_repr(value: object, out: list[str], budget: list[int]) -> None:
    """Append ``repr(value)`` to ``out`` until ``budget[0]`` characters are spent."""
    if isinstance(value, dict):
        items: list[tuple[object, object | None]] = list(value.items())
        opening, closing = "{", "}"
    elif isinstance(value, list):
        items = [(item, None) for item in value]
        opening, closing = "[", "]"
    else:
        text = repr(value[: budget[0] + 2] if isinstance(value, str) else value)
        out.append(text[: max(budget[0], 0)])
        budget[0] -= len(text)
        return
    _spend(opening, out, budget)
    for index, (first, second) in enumerate(items):
        if budget[0] <= 0:
            return
        if index:
            _spend(", ", out, budget)
        _bounded_repr(first, out, budget)
        if isinstance(value, dict):
            _spend(": ", out, budget)
            _bounded_repr(second, out, budget)
    _spend(closing, out, budget)


def _spend(text: str, out: list[str], budget: list[int]) -> None:
    out.append(text)
    budget[0] -= len(text)


def one_line(text: str) -> str:
    return " ".join(text.split())


def parse_yaml(text: str, where: str) -> Any:
    """Parse one YAML document; any problem becomes a ``ConfigError`` naming ``where:line``."""
    try:
        loader = _AliasCheckingLoader if "*" in text else _StrictLoader
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "malformed YAML"
        raise ConfigError(f"{where}{line}: malformed YAML: {one_line(problem)}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: malformed YAML: {one_line(str(exc))}") from None
    except RecursionError:
        raise ConfigError(f"{where}: malformed YAML: nested too deeply") from None
    except (ValueError, OverflowError) as exc:
        # e.g. `2001-13-45` matches the timestamp pattern but is no date; `!!float x`
        raise ConfigError(f"{where}: malformed YAML: {one_line(str(exc))}") from None


def read_yaml_file(path: Path, where: str | None = None) -> Any:
    """Read and parse a YAML file; unreadable, non-UTF-8 or malformed: ``ConfigError``."""
    where = where or display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{where}: file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{where}: is a directory, expected a YAML file") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    return parse_yaml(text, where)
