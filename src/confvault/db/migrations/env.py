"""Alembic environment, driven programmatically by ``confvault.db.migrate`` (no alembic.ini).

The caller passes an open connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from confvault.db.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTERs need table rebuilds
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
