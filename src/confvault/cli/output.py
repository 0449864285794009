"""Rendering helpers shared by the commands: JSON for machines, rich tables for people."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def emit_json(payload: Any) -> None:
    click.echo(json.dumps(_plain(payload), indent=2, sort_keys=False))


def console() -> Console:
    # Piped into a log or a mail (cron), rich would assume 80 columns and cut device names.
    return Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)


def when(value: datetime | None) -> str:
    if value is None:
        return "never"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def age(value: datetime | None, now: datetime | None = None) -> str:
    if value is None:
        return "never"
    seconds = int(((now or datetime.now(UTC)) - value).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{max(seconds, 0)}s ago"


def table(title: str, columns: tuple[str, ...]) -> Table:
    result = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in columns:
        result.add_column(column)
    return result
