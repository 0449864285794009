"""SQLAlchemy 2 typed models: ``devices``, ``runs``, ``backups``.

``devices`` carries denormalised "latest" columns (written by the store in the same transaction as
the backup rows) so that every status question reads ``devices`` alone and never scans ``backups``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from confvault.models import BackupStatus, ErrorClass, RunStatus

# Stable constraint names, so migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

E = TypeVar("E", bound=StrEnum)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on every backend.

    SQLite has no time zone type: values are stored as naive UTC text (which sorts correctly) and
    come back tagged as UTC. A naive datetime handed in is refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; confvault stores UTC only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class StrEnumType(TypeDecorator[E]):
    """A ``StrEnum`` stored as its plain value in a short VARCHAR (portable, readable with psql)."""

    impl = String(16)
    cache_ok = True

    def __init__(self, enum_type: type[E], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enum_type = enum_type

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_type(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum_type(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DeviceRow(Base):
    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    provider: Mapped[str] = mapped_column(String(255))
    platform: Mapped[str] = mapped_column(String(64))
    hostname: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Denormalised copy of the latest backup, kept current by Store.record_backups.
    last_backup_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_status: Mapped[BackupStatus | None] = mapped_column(StrEnumType(BackupStatus))
    last_error_class: Mapped[ErrorClass | None] = mapped_column(StrEnumType(ErrorClass))
    last_error_message: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_change_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failing_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_run_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_devices_active_updated_at", "active", "updated_at"),
        Index("ix_devices_provider", "provider"),
    )


class RunRow(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[RunStatus] = mapped_column(StrEnumType(RunStatus))
    pid: Mapped[int] = mapped_column(Integer)
    hostname: Mapped[str] = mapped_column(String(255))
    workers: Mapped[int] = mapped_column(Integer)
    selection: Mapped[str] = mapped_column(Text, default="")
    devices_total: Mapped[int] = mapped_column(Integer, default=0)
    ok: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    commit_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    # The archive the run wrote to (migration 0003; None for older runs): its id, kept in the
    # archive itself so it survives moving the folder, and the path it had, for the check that an
    # archive with recorded runs has not gone missing.
    archive_id: Mapped[str | None] = mapped_column(String(64))
    archive_path: Mapped[str | None] = mapped_column(Text)

    # mark_dead_runs looks for the few runs still "running".
    __table_args__ = (Index("ix_runs_status", "status"),)


class BackupRow(Base):
    __tablename__ = "backups"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    backup_date: Mapped[datetime] = mapped_column(UtcDateTime)  # = started_at; the history key
    status: Mapped[BackupStatus] = mapped_column(StrEnumType(BackupStatus))
    error_class: Mapped[ErrorClass | None] = mapped_column(StrEnumType(ErrorClass))
    error_message: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime)
    duration_ms: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    blob_id: Mapped[str | None] = mapped_column(String(64))
    changed: Mapped[bool] = mapped_column(Boolean, default=False)
    commit_id: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        Index("ix_backups_device_id_backup_date", "device_id", "backup_date"),
        Index("ix_backups_status_backup_date", "status", "backup_date"),
        # Run totals (finish_run, summary of a running run) count one run's rows.
        Index("ix_backups_run_id_status", "run_id", "status"),
        # Retention: "is there a newer row of this device with the same status?" (migration 0002).
        Index("ix_backups_device_id_status_backup_date", "device_id", "status", "backup_date"),
        # One row per device per run, so a replay or a recovery can insert-if-absent (0003).
        Index("ix_backups_run_id_device_id", "run_id", "device_id", unique=True),
    )
