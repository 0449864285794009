"""Initial schema: devices (with denormalised latest columns), runs, backups.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Written with plain SQLAlchemy types (the models' UtcDateTime / StrEnumType decorate exactly these),
so this file never has to change when the Python-side types do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)
ENUM_TEXT = sa.String(length=16)


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("provider", sa.String(length=255), nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("hostname", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("last_backup_at", UTC_TIME, nullable=True),
        sa.Column("last_status", ENUM_TEXT, nullable=True),
        sa.Column("last_error_class", ENUM_TEXT, nullable=True),
        sa.Column("last_error_message", sa.Text(), nullable=True),
        sa.Column("last_success_at", UTC_TIME, nullable=True),
        sa.Column("last_change_at", UTC_TIME, nullable=True),
        sa.Column("failing_since", UTC_TIME, nullable=True),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_devices"),
        sa.UniqueConstraint("name", name="uq_devices_name"),
    )
    op.create_index("ix_devices_active_updated_at", "devices", ["active", "updated_at"])
    op.create_index("ix_devices_provider", "devices", ["provider"])

    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("ended_at", UTC_TIME, nullable=True),
        sa.Column("status", ENUM_TEXT, nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("hostname", sa.String(length=255), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=False),
        sa.Column("selection", sa.Text(), nullable=False),
        sa.Column("devices_total", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("commit_id", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_index("ix_runs_status", "runs", ["status"])

    op.create_table(
        "backups",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("backup_date", UTC_TIME, nullable=False),
        sa.Column("status", ENUM_TEXT, nullable=False),
        sa.Column("error_class", ENUM_TEXT, nullable=True),
        sa.Column("error_message", sa.Text(), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("ended_at", UTC_TIME, nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("blob_id", sa.String(length=64), nullable=True),
        sa.Column("changed", sa.Boolean(), nullable=False),
        sa.Column("commit_id", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name="fk_backups_device_id_devices", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name="fk_backups_run_id_runs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_backups"),
    )
    op.create_index("ix_backups_device_id_backup_date", "backups", ["device_id", "backup_date"])
    op.create_index("ix_backups_status_backup_date", "backups", ["status", "backup_date"])
    op.create_index("ix_backups_run_id_status", "backups", ["run_id", "status"])


def downgrade() -> None:
    op.drop_table("backups")
    op.drop_table("runs")
    op.drop_table("devices")
