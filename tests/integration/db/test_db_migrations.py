"""Every migration up and down on empty databases; models and migrations must agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, inspect, text

from confvault.db import current, downgrade, head_revision, make_engine, upgrade
from confvault.db.migrate import alembic_config
from confvault.db.tables import Base

EXPECTED_INDEXES = {
    "devices": {("active", "updated_at"), ("provider",)},
    "backups": {
        ("device_id", "backup_date"),
        ("status", "backup_date"),
        ("run_id", "status"),
        ("device_id", "status", "backup_date"),  # retention (0002)
        ("run_id", "device_id"),  # one row per device per run (0003)
    },
}


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.integration]),
    ]
)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh' / 'status.db'}"
    return str(request.getfixturevalue("new_pg_database")())


def _diff(url: str, metadata: MetaData) -> list[Any]:
    """Alembic's differences: tuples such as ``("add_column", schema, table, Column)``, or lists
    of them for column changes (alembic types them as Any)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def _down_revision(script: Script) -> str | None:
    """The revision below ``script``: this history is linear, so never a merge's tuple."""
    down = script.down_revision
    assert down is None or isinstance(down, str), f"{script.revision} merges {down}"
    return down


def test_every_migration_goes_up_and_down_step_by_step(empty_url: str) -> None:
    revisions = list(ScriptDirectory.from_config(alembic_config()).walk_revisions())
    assert revisions, "no migrations found"
    assert current(empty_url) is None
    for script in reversed(revisions):  # oldest first
        upgrade(empty_url, script.revision)
        assert current(empty_url) == script.revision
    assert current(empty_url) == head_revision()
    for script in revisions:  # newest first
        downgrade(empty_url, _down_revision(script) or "base")
        assert current(empty_url) == _down_revision(script)
    engine = make_engine(empty_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    upgrade(empty_url)
    upgrade(empty_url)  # idempotent
    assert current(empty_url) == head_revision()


def test_migrations_create_the_operators_indexes(empty_url: str) -> None:
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        inspector = inspect(engine)
        for table, wanted in EXPECTED_INDEXES.items():
            found = {tuple(ix["column_names"]) for ix in inspector.get_indexes(table)}
            assert wanted <= found, f"{table}: missing {wanted - found}"
    finally:
        engine.dispose()


def test_models_and_migrations_agree(empty_url: str) -> None:
    upgrade(empty_url)
    assert _diff(empty_url, Base.metadata) == []


def test_the_drift_check_notices_a_column_missing_from_the_migrations(empty_url: str) -> None:
    upgrade(empty_url)
    drifted = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["devices"].append_column(Column("rack", Integer, nullable=True))
    diff = _diff(empty_url, drifted)
    assert [(op[0], op[3].name) for op in diff] == [("add_column", "rack")]


def test_0003_keeps_one_row_of_each_device_a_replay_wrote_twice(empty_url: str) -> None:
    upgrade(empty_url, "0002")
    engine = make_engine(empty_url)
    at = {"at": "2026-11-01 02:00:00"}
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO devices (id, name, provider, platform, hostname, active, "
                    "created_at, updated_at) VALUES (1, 'r1', 'acme', 'cisco_ios', 'h', true, "
                    ":at, :at)"
                ),
                at,
            )
            conn.execute(
                text(
                    "INSERT INTO runs (id, started_at, status, pid, hostname, workers, selection, "
                    "devices_total, ok, failed, changed) VALUES (1, :at, 'completed', 1, "
                    "'h', 1, 'all', 1, 1, 0, 0)"
                ),
                at,
            )
            backup = text(
                "INSERT INTO backups (run_id, device_id, backup_date, status, error_message, "
                "started_at, ended_at, duration_ms, bytes, changed, attempts) "
                "VALUES (1, 1, :at, 'ok', '', :at, :at, 0, 0, false, 1)"
            )
            conn.execute(backup, [at, at])  # the same device twice in one run
        upgrade(empty_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM backups")).scalar_one() == 1
    finally:
        engine.dispose()
