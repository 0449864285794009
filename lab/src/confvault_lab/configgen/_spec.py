"""What every platform module provides: one frozen record of plain functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from confvault_lab.configgen._common import EditRules


@dataclass(frozen=True, slots=True)
class PlatformGenerator:
    name: str  # netmiko device_type
    config_commands: tuple[str, ...]
    version_commands: tuple[str, ...]
    generate_body: Callable[[str, int], str]  # (device, size)
    render_config: Callable[[str, str, datetime, int], str]  # (device, body, now, session_no)
    render_version: Callable[[str, datetime, datetime], str]  # (device, now, boot_time)
    edits: EditRules  # where the n-th realistic edit goes (mutate_body)
    planted_secrets: Callable[[str], tuple[str, ...]]  # (device)
