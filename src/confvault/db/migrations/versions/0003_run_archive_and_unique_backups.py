"""Runs belong to an archive; one backup row per (run, device).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

``runs.archive_id`` / ``runs.archive_path`` let a run decide which "running" runs are its own
archive's (only those can be proven dead by holding the archive's lock), and let the missing-archive
check look at the runs of that archive alone. The unique index makes replaying a pending-status
journal or recovering a run from its commit idempotent: rows go in as insert-if-absent.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("archive_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("archive_path", sa.Text(), nullable=True))
    # A journal replayed twice before this revision left duplicate rows: keep the first of each.
    op.execute(
        "DELETE FROM backups WHERE id NOT IN "
        "(SELECT MIN(id) FROM backups GROUP BY run_id, device_id)"
    )
    op.create_index("ix_backups_run_id_device_id", "backups", ["run_id", "device_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_backups_run_id_device_id", table_name="backups")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("archive_path")
        batch.drop_column("archive_id")
