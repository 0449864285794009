"""Retention support: backups by (device_id, status, backup_date).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

``confvault prune`` deletes a row only when a newer row of the same device and status exists; this
index answers that question with one index probe per candidate row instead of a walk through the
device's history.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_backups_device_id_status_backup_date",
        "backups",
        ["device_id", "status", "backup_date"],
    )


def downgrade() -> None:
    op.drop_index("ix_backups_device_id_status_backup_date", table_name="backups")
