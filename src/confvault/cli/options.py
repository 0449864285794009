"""The options several commands share, declared once: the same flag name, parameter name and type
everywhere, so a script that passes ``--json`` or ``--provider`` to one command can pass it to all.

Each factory returns a click decorator. A command whose help says more (``run`` selects *devices*
of a provider) passes its own help text; the flag itself stays the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

_Command = TypeVar("_Command", bound=Callable[..., Any])


def json_option(help_text: str = "Print as JSON.") -> Callable[[_Command], _Command]:
    """``--json`` -> ``as_json``: machine-readable output instead of tables."""
    return click.option("--json", "as_json", is_flag=True, help=help_text)


def provider_option(
    help_text: str = "Only this provider (tenant).",
) -> Callable[[_Command], _Command]:
    """``--provider`` -> ``provider``: one tenant's devices."""
    return click.option("--provider", help=help_text)


def platform_option(help_text: str = "Only this platform.") -> Callable[[_Command], _Command]:
    """``--platform`` -> ``platform``: one netmiko device_type."""
    return click.option("--platform", help=help_text)


def device_option(
    help_text: str = "Only this device (repeatable).",
) -> Callable[[_Command], _Command]:
    """``--device`` (repeatable) -> ``devices``: a tuple of inventory names."""
    return click.option("--device", "devices", multiple=True, help=help_text)


def workers_option(
    help_text: str = "Parallel devices (BACKUP_MAX_WORKERS, default 50).",
) -> Callable[[_Command], _Command]:
    """``--workers`` -> ``workers``; range checks stay in settings, which name the flag."""
    return click.option("--workers", type=int, help=help_text)


def timeout_option(
    help_text: str = "Per-device deadline in seconds (BACKUP_TIMEOUT).",
) -> Callable[[_Command], _Command]:
    """``--timeout`` -> ``timeout``; range checks stay in settings, which name the flag."""
    return click.option("--timeout", type=float, help=help_text)


def limit_option(maximum: int) -> Callable[[_Command], _Command]:
    """``--limit`` -> ``limit``: at most this many rows, newest first (default 20)."""
    return click.option("--limit", type=click.IntRange(1, maximum), default=20, show_default=True)
