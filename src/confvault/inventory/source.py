"""Read ``nornir.yaml`` and the SimpleInventory files into raw, located elements.

Nornir's SimpleInventory reads ``hosts.yaml`` (required), ``groups.yaml`` and ``defaults.yaml``
(both skipped when missing). We read the same files ourselves so that nothing in this package
imports nornir, and so that each value keeps its file and line for error messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from confvault.errors import ConfigError
from confvault.inventory.problems import Problems
from confvault.inventory.yaml_loader import YamlMap, display_path, read_yaml_file, shorten

# Top-level sections nornir's own Config accepts; anything else in nornir.yaml is a typo.
_NORNIR_SECTIONS = ("core", "inventory", "logging", "runner", "ssh", "user_defined")
_INVENTORY_KEYS = ("plugin", "options", "transform_function", "transform_function_options")
_OPTION_DEFAULTS: Mapping[str, str] = {
    "host_file": "hosts.yaml",
    "group_file": "groups.yaml",
    "defaults_file": "defaults.yaml",
}
_ENCODINGS = ("utf-8", "utf8", "utf_8")


@dataclass(slots=True)
class Element:
    """One host, one group, or the defaults, as written in its file."""

    kind: str  # "host", "group" or "defaults"
    name: str
    where: str  # file as shown to the user
    folder: Path  # the file's folder: `${file:...}` paths are relative to it
    body: YamlMap = field(default_factory=YamlMap)
    line: int = 0  # where its name is written

    @property
    def label(self) -> str:
        return "defaults" if self.kind == "defaults" else f"{self.kind} {self.name!r}"

    def at(self, name: str, mapping: YamlMap | None = None) -> str:
        """``file:line: host 'r1': field`` for a key of the element (or of a nested mapping)."""
        holder = mapping if mapping is not None else self.body
        key_lines: dict[Any, int] = getattr(holder, "key_lines", None) or {}
        line = key_lines.get(name.rsplit(".", 1)[-1], self.line)
        return (
            f"{self.where}:{line}: {self.label}: {name}"
            if line
            else f"{self.where}: {self.label}: {name}"
        )


@dataclass(slots=True)
class RawInventory:
    hosts: list[Element]
    groups: dict[str, Element]
    defaults: Element


@dataclass(frozen=True, slots=True)
class InventoryFiles:
    host_file: Path
    group_file: Path
    defaults_file: Path


def read_nornir_config(nornir_config: Path) -> InventoryFiles:
    """The three inventory files named by ``nornir.yaml``, relative to its folder."""
    where = display_path(nornir_config)
    document = read_yaml_file(nornir_config, where)
    if document is None:
        document = YamlMap()
    if not isinstance(document, YamlMap):
        raise ConfigError(f"{where}: expected a mapping, got {type(document).__name__}")
    for key in document:
        if key not in _NORNIR_SECTIONS:
            known = ", ".join(_NORNIR_SECTIONS)
            raise ConfigError(
                f"{where}:{document.line_of(key)}: unknown section {shorten(key)} (known: {known})"
            )
    section = document.get("inventory") or YamlMap()
    if not isinstance(section, YamlMap):
        raise ConfigError(f"{where}:{document.line_of('inventory')}: inventory: expected a mapping")
    for key, value in section.items():
        at = f"{where}:{section.line_of(key)}: inventory"
        if key not in _INVENTORY_KEYS:
            raise ConfigError(
                f"{at}: unknown key {shorten(key)} (known: {', '.join(_INVENTORY_KEYS)})"
            )
        if key == "plugin" and value not in (None, "SimpleInventory"):
            raise ConfigError(
                f"{at}.plugin: confvault reads SimpleInventory files only, got {shorten(value)}"
            )
        if key.startswith("transform_function") and value:
            raise ConfigError(
                f"{at}.{key}: not supported (confvault validates the files as written)"
            )
    options = section.get("options") or YamlMap()
    if not isinstance(options, YamlMap):
        raise ConfigError(
            f"{where}:{section.line_of('options')}: inventory.options: expected a mapping"
        )
    paths: dict[str, Path] = {}
    for key, value in options.items():
        at = f"{where}:{options.line_of(key)}: inventory.options"
        if key == "encoding":
            if not isinstance(value, str) or value.lower() not in _ENCODINGS:
                raise ConfigError(f"{at}.encoding: only utf-8 is supported, got {shorten(value)}")
            continue
        if key not in _OPTION_DEFAULTS:
            known = ", ".join([*_OPTION_DEFAULTS, "encoding"])
            raise ConfigError(f"{at}: unknown key {shorten(key)} (known: {known})")
        if not isinstance(value, str) or not value.strip() or "\0" in value:
            raise ConfigError(f"{at}.{key}: expected a file path, got {shorten(value)}")
        paths[key] = Path(value).expanduser()
    base = nornir_config.parent

    def located(key: str) -> Path:
        path = paths.get(key, Path(_OPTION_DEFAULTS[key]))
        return path if path.is_absolute() else base / path

    return InventoryFiles(located("host_file"), located("group_file"), located("defaults_file"))


def _read_section(path: Path, kind: str, problems: Problems) -> YamlMap:
    where = display_path(path)
    try:
        document = read_yaml_file(path, where)
    except ConfigError as exc:
        problems.add(str(exc))
        return YamlMap()
    if document is None:
        return YamlMap()  # empty or only comments: nornir treats it as empty too
    if not isinstance(document, YamlMap):
        problems.add(f"{where}: expected a mapping of {kind}, got {type(document).__name__}")
        return YamlMap()
    return document


def _elements(path: Path, kind: str, problems: Problems) -> list[Element]:
    document = _read_section(path, kind + "s", problems)
    where = display_path(path)
    elements: list[Element] = []
    for name, body in document.items():
        at = f"{where}:{document.line_of(name)}"
        if not isinstance(name, str):
            problems.add(f"{at}: {kind} name {shorten(name)} must be text (quote it)")
            continue
        if body is None:
            body = YamlMap()
            body.line = document.line_of(name)
        if not isinstance(body, YamlMap):
            problems.add(f"{at}: {kind} {name!r}: expected a mapping, got {type(body).__name__}")
            continue
        elements.append(Element(kind, name, where, path.parent, body, document.line_of(name)))
    return elements


def read_inventory_files(files: InventoryFiles, problems: Problems) -> RawInventory:
    hosts = _elements(files.host_file, "host", problems)
    groups: dict[str, Element] = {}
    if files.group_file.exists():
        groups = {g.name: g for g in _elements(files.group_file, "group", problems)}
    defaults_body = YamlMap()
    if files.defaults_file.exists():
        defaults_body = _read_section(files.defaults_file, "defaults", problems)
    defaults = Element(
        "defaults", "defaults", display_path(files.defaults_file), files.defaults_file.parent
    )
    defaults.body = defaults_body
    return RawInventory(hosts=hosts, groups=groups, defaults=defaults)


def as_map(value: Any) -> YamlMap | None:
    return value if isinstance(value, YamlMap) else None
