"""Shared vocabulary: plain frozen dataclasses that every layer passes around.

Nothing here imports a third-party library, so any layer may depend on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Secret:
    """A credential that never shows itself in ``repr``, ``str``, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


class ErrorClass(StrEnum):
    """Why a device's collection failed. Stored in the database and shown in ``status``."""

    AUTH = "auth"  # credentials rejected; never retried
    TIMEOUT = "timeout"  # device too slow, silent, or over its deadline
    UNREACHABLE = "unreachable"  # connection refused, no route, DNS
    DISCONNECTED = "disconnected"  # session dropped mid-way
    INCOMPLETE = "incomplete"  # output without end marker, empty, or failing sanity checks
    REJECTED = "rejected"  # the device refused a command (unknown command, unexpected prompt)
    SUSPECT = "suspect"  # collected fine but held back (e.g. shrank by more than half)
    HOST_KEY = "host_key"  # the device's SSH host key is not the known one; never retried
    INTERNAL = "internal"  # a bug in confvault; the message says what

    @property
    def transient(self) -> bool:
        """Worth another try later in the same run."""
        return self in (ErrorClass.TIMEOUT, ErrorClass.UNREACHABLE, ErrorClass.DISCONNECTED)


class BackupStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"  # every selected device ok
    PARTIAL = "partial"  # finished, some devices failed
    INTERRUPTED = "interrupted"  # Ctrl-C / SIGTERM
    ABORTED = "aborted"  # the process died; found and marked by a later run


@dataclass(frozen=True, slots=True)
class Device:
    """One inventory host, validated, with credentials resolved (kept as ``Secret``)."""

    name: str
    hostname: str
    platform: str  # netmiko device_type, a key of the platform registry
    provider: str  # tenant; first directory level of the archive
    port: int = 22
    active: bool = True
    username: str = ""
    password: Secret = field(default_factory=lambda: Secret(""))
    enable_secret: Secret | None = None
    groups: tuple[str, ...] = ()
    accept_shrink: bool = False  # per-device opt-out of the shrink guard
    # the operator's read-only commands (data.extra_commands), archived as comment blocks
    extra_commands: tuple[str, ...] = ()
    # netmiko options from the inventory's extras, checked (credentials kept as ``Secret``)
    connect_options: Mapping[str, object] = field(default_factory=dict, hash=False)

    @property
    def archive_path(self) -> str:
        """Path of the device's file inside the archive repository."""
        return f"{self.provider}/{self.name}.cfg"


@dataclass(frozen=True, slots=True)
class CollectResult:
    """What one device's collection produced: cleaned configuration text, or a typed failure."""

    device: str
    provider: str
    platform: str
    started_at: datetime
    ended_at: datetime
    config: str | None = None  # cleaned text, present only when ok
    error_class: ErrorClass | None = None
    message: str = ""
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.error_class is None and self.config is not None

    @property
    def duration_s(self) -> float:
        return (self.ended_at - self.started_at).total_seconds()


@dataclass(frozen=True, slots=True)
class ArchivedChange:
    """What the archive did with one device's successful result, keyed by its archive path."""

    path: str  # the device's ``Device.archive_path``
    blob_id: str  # git blob sha of the archived content
    changed: bool  # new or different from the previous commit
    size: int


@dataclass(frozen=True, slots=True)
class CommitOutcome:
    """Result of archiving one run: at most one commit."""

    commit_id: str | None  # None when nothing changed
    files: tuple[ArchivedChange, ...]
    seconds: float = 0.0
    # what went wrong without costing the run its commit (a failed repack or commit-graph)
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> tuple[ArchivedChange, ...]:
        return tuple(f for f in self.files if f.changed)
