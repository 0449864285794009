"""Status queries on a crafted fleet, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

import pytest

from confvault.db import Database, DeviceState
from confvault.errors import ConfigError
from confvault.models import BackupStatus, ErrorClass, RunStatus

if TYPE_CHECKING:
    from tests.integration.db.conftest import FleetBuilder, StatementCounter

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def crafted(database: Database, fleet: FleetBuilder) -> int:
    """Six active devices in two providers, plus one inactive one.

    a-ok-fresh ok 1 h ago | a-ok-old ok 72 h ago | a-failing ok 48 h ago, failing since 24 h ago |
    a-never no backup | g-fail failed 1 h ago, never succeeded | g-ok ok 1 h ago | a-gone inactive.
    """
    d, r = fleet.device, fleet.result
    junos = "juniper_junos"
    inventory = [
        d("a-ok-fresh"), d("a-ok-old"), d("a-failing"), d("a-never"), d("a-gone"),
        d("g-fail", provider="globex", platform=junos),
        d("g-ok", provider="globex", platform=junos),
    ]  # fmt: skip
    database.store.sync_devices(inventory)
    fleet.run([r("a-ok-old", NOW - 72 * HOUR), r("a-gone", NOW - 72 * HOUR, ok=False)])
    fleet.run([r("a-failing", NOW - 48 * HOUR, changed=True)], RunStatus.COMPLETED, "1" * 40)
    fleet.run([r("a-failing", NOW - 24 * HOUR, ok=False)])
    last = fleet.run(
        [
            r("a-ok-fresh", NOW - HOUR, changed=True),
            r(
                "a-failing",
                NOW - HOUR,
                ok=False,
                error=ErrorClass.AUTH,
                message="Authentication failed",
            ),
            r("g-fail", NOW - HOUR, ok=False, error=ErrorClass.UNREACHABLE),
            r("g-ok", NOW - HOUR),
        ],
        RunStatus.PARTIAL,
        "2" * 40,
    )
    database.store.sync_devices([dataclasses.replace(d("a-gone"), active=False)])
    return last


def _names(states: Iterable[DeviceState]) -> list[str]:
    return [s.name for s in states]


def test_summary_counts_the_fleet_and_the_last_run(database: Database, crafted: int) -> None:
    summary = database.queries.summary(stale_hours=24, now=NOW)
    assert summary.active_devices == 6  # a-gone is inactive
    assert (summary.ok, summary.failed, summary.never_backed_up) == (3, 2, 1)
    assert summary.stale == 4  # a-ok-old, a-failing, and the never-succeeded a-never and g-fail
    run = summary.last_run
    assert run is not None
    assert run.id == crafted
    assert (run.devices_total, run.ok, run.failed, run.changed) == (4, 2, 2, 1)
    assert run.status is RunStatus.PARTIAL


def test_summary_for_one_provider_restricts_devices_and_run_counts(
    database: Database, crafted: int
) -> None:
    summary = database.queries.summary(stale_hours=24, provider="acme", now=NOW)
    assert summary.active_devices == 4
    assert (summary.ok, summary.failed, summary.never_backed_up, summary.stale) == (2, 1, 1, 3)
    run = summary.last_run
    assert run is not None
    assert (run.devices_total, run.ok, run.failed, run.changed) == (2, 1, 1, 1)


def test_summary_of_an_empty_database(database: Database) -> None:
    summary = database.queries.summary(stale_hours=24)
    assert (summary.active_devices, summary.ok, summary.stale, summary.last_run) == (0, 0, 0, None)


def test_failed_devices_show_class_message_and_since_when(database: Database, crafted: int) -> None:
    failed = database.queries.failed_devices()
    assert _names(failed) == ["a-failing", "g-fail"]  # longest-failing first
    first = failed[0]
    assert first.last_error_class is ErrorClass.AUTH
    assert first.last_error_message == "Authentication failed"
    assert first.failing_since == NOW - 24 * HOUR
    assert first.last_success_at == NOW - 48 * HOUR
    assert _names(database.queries.failed_devices(provider="globex")) == ["g-fail"]
    assert _names(database.queries.failed_devices(limit=1)) == ["a-failing"]


def test_stale_devices_include_never_succeeded_ones_first(database: Database, crafted: int) -> None:
    stale = database.queries.stale_devices(24, now=NOW)
    assert _names(stale) == ["a-never", "g-fail", "a-ok-old", "a-failing"]
    assert _names(database.queries.stale_devices(50, now=NOW)) == ["a-never", "g-fail", "a-ok-old"]
    assert _names(database.queries.stale_devices(24, provider="globex", now=NOW)) == ["g-fail"]


def test_device_page_pages_and_filters(database: Database, crafted: int) -> None:
    queries = database.queries
    page = queries.device_page(page=2, per_page=2)
    assert _names(page.items) == ["a-ok-fresh", "a-ok-old"]
    assert (page.total, page.page, page.pages) == (6, 2, 3)
    beyond = queries.device_page(page=4, per_page=2)
    assert (beyond.items, beyond.total) == ((), 6)

    assert _names(queries.device_page(platform="juniper_junos").items) == ["g-fail", "g-ok"]
    assert _names(queries.device_page(status="failed").items) == ["a-failing", "g-fail"]
    assert _names(queries.device_page(status="never").items) == ["a-never"]
    only = queries.device_page(provider="globex", status="ok")
    assert (_names(only.items), only.total, only.pages) == (["g-ok"], 1, 1)


class PageArguments(TypedDict, total=False):
    """The arguments of ``Queries.device_page`` a case may give."""

    page: int
    per_page: int
    status: str


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": "broken"}, "status must be one of ok, failed, never, not 'broken'"),
        ({"page": 0}, "page must be 1 or more, not 0"),
        ({"per_page": 5000}, "per-page must be between 1 and 1000, not 5000"),
    ],
)
def test_device_page_rejects_bad_arguments_in_one_line(
    database: Database, kwargs: PageArguments, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        database.queries.device_page(**kwargs)


def test_device_history_is_newest_first_and_paged(database: Database, crafted: int) -> None:
    first = database.queries.device_history("a-failing", page=1, per_page=2)
    assert (first.total, first.pages) == (3, 2)
    assert [e.backup_date for e in first.items] == [NOW - HOUR, NOW - 24 * HOUR]
    assert [e.error_class for e in first.items] == [ErrorClass.AUTH, ErrorClass.TIMEOUT]
    second = database.queries.device_history("a-failing", page=2, per_page=2)
    (oldest,) = second.items
    assert oldest.status is BackupStatus.OK
    assert (oldest.changed, oldest.commit_id, oldest.device) == (True, "1" * 40, "a-failing")
    assert oldest.duration_ms == 2000


def test_unknown_device_is_a_config_error_naming_it(database: Database, crafted: int) -> None:
    with pytest.raises(ConfigError, match="unknown device 'nope'"):
        database.queries.device_history("nope")
    with pytest.raises(ConfigError, match="unknown device 'nope'"):
        database.queries.device("nope")


def test_device_detail_has_its_latest_backup(database: Database, crafted: int) -> None:
    detail = database.queries.device("a-failing")
    assert detail.backups_total == 3
    assert detail.latest_backup is not None
    assert detail.latest_backup.error_message == "Authentication failed"
    assert detail.state.failing_since == NOW - 24 * HOUR
    never = database.queries.device("a-never")
    assert (never.latest_backup, never.backups_total) == (None, 0)


def test_runs_are_newest_first(database: Database, crafted: int) -> None:
    runs = database.queries.runs(limit=2)
    assert [r.id for r in runs] == [crafted, crafted - 1]
    assert runs[0].commit_id == "2" * 40
    assert runs[0].duration_s is not None


def _query_costs(database: Database, statements: StatementCounter) -> dict[str, int]:
    queries = database.queries
    calls: dict[str, Callable[[], object]] = {
        "summary": lambda: queries.summary(24, provider="p0"),
        "failed": lambda: queries.failed_devices(),
        "stale": lambda: queries.stale_devices(24),
        "latest": lambda: queries.latest_backups(),
        "page": lambda: queries.device_page(page=3, per_page=10, status="failed"),
        "history": lambda: queries.device_history("s00001", per_page=10),
        "device": lambda: queries.device("s00001"),
        "runs": lambda: queries.runs(10),
    }
    costs: dict[str, int] = {}
    for name, call in calls.items():
        with statements.counting() as sent:
            call()
        costs[name] = len(sent)
    return costs


def test_each_status_query_costs_the_same_statements_for_any_fleet_size(
    database: Database, fleet: FleetBuilder, statements: StatementCounter
) -> None:
    def grow(count: int, prefix: str, days: int) -> None:
        devices = fleet.devices(count, prefix=prefix, provider="p0")
        for day in range(days):
            at = NOW - timedelta(days=day)
            fleet.run([fleet.result(d.name, at, ok=i % 3 != 0) for i, d in enumerate(devices)])

    grow(5, "s", days=2)
    small = _query_costs(database, statements)
    grow(600, "t", days=3)
    large = _query_costs(database, statements)
    assert small == large
    assert max(large.values()) <= 3
