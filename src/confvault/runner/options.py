"""What a collection pass needs to know, handed whole from the service to each device task."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from confvault.runner.hostkeys import HostKeyCheck


@dataclass(frozen=True, slots=True)
class RunnerOptions:
    workers: int = 50
    timeout: float = 60.0  # per device, seconds
    mask_secrets: bool = False
    ramp_up: float = 1.0  # seconds over which the first `workers` logins are spread
    session_log_dir: Path | None = None  # one file per device: the raw session, secrets masked
    host_keys: HostKeyCheck = field(default_factory=HostKeyCheck)  # off unless the service says
    ssh_config: Path | None = None  # the user's ssh_config, when the setting opts in


@dataclass(frozen=True, slots=True, eq=False)
class CollectPass:
    """Shared by every device task of one pass; also the watchdog's handle on its sessions."""

    options: RunnerOptions
    attempt: int = 1
    stop: threading.Event = field(default_factory=threading.Event)
