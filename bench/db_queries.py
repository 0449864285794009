"""Status queries at 10,000 devices x 365 daily runs on PostgreSQL (issue 4). Not a timed test.

    .venv/bin/python bench/db_queries.py [--devices 10000] [--providers 50] [--runs 365]
        [--url postgresql://postgres@127.0.0.1:5432/postgres] [--repeat 25] [--keep] [--prune]

Creates a fresh database on the server of ``--url`` (default $CONFVAULT_BENCH_PG_URL or the local
server), migrates it, bulk-loads the fleet with INSERT ... SELECT generate_series (secondary
indexes rebuilt after the load), fills the devices' "latest" columns and the runs' totals the way
the store would have, VACUUM ANALYZE, then times medians of repeated calls of the real ``Queries``
methods and the prune dry run. Prints a markdown table and writes bench/results/db.json.
Targets: summary < 50 ms, any page < 30 ms. The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg2
from sqlalchemy.engine import make_url

from confvault.db import Database, upgrade
from confvault.platforms import platform_names

DEFAULT_URL = os.environ.get(
    "CONFVAULT_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
RESULTS = Path(__file__).parent / "results" / "db.json"
T0 = datetime(2025, 1, 1, 2, 0, tzinfo=UTC)  # run 1 starts here, one run per day
SUMMARY_TARGET_MS = 50.0
PAGE_TARGET_MS = 30.0
STALE_HOURS = 24.0
RETENTION = timedelta(days=90)

# Fleet shape, all decided in SQL from the ids so that the load is one statement per table:
# - the last NEVER_BACKED_UP devices were never attempted;
# - devices with id % 500 = 1 stopped answering after run STOPPED_AFTER_FRACTION * runs (stale);
# - devices with id % 200 = 0 fail on every run of the last 5 (currently failing);
# - about 2 % of all other attempts fail at random (hash of run and device ids);
# - about 3 % of successes carry a change.
# Rows are written run by run (ORDER BY r.id), as the store writes them: one run's rows share
# pages, as they do in production.
NEVER_BACKED_UP = 20
STOPPED_AFTER_FRACTION = 0.8

LOAD_DEVICES = """
INSERT INTO devices (name, provider, platform, hostname, active, created_at, updated_at)
SELECT 'r' || lpad(i::text, 5, '0'),
       'p' || lpad((i %% %(providers)s)::text, 2, '0'),
       (%(platforms)s::text[])[1 + i %% %(platform_count)s],
       'r' || i || '.net.example', true, %(t0)s, %(t0)s
FROM generate_series(1, %(devices)s) AS i
"""

LOAD_RUNS = """
INSERT INTO runs (started_at, ended_at, status, pid, hostname, workers, selection,
                  devices_total, ok, failed, changed, commit_id)
SELECT %(t0)s + (r - 1) * interval '1 day', %(t0)s + (r - 1) * interval '1 day' + interval '4 min',
       'partial', 4242, 'backup01', 100, 'all', 0, 0, 0, 0, md5(r::text) || 'abcdefgh'
FROM generate_series(1, %(runs)s) AS r
"""

LOAD_BACKUPS = """
INSERT INTO backups (run_id, device_id, backup_date, status, error_class, error_message,
                     started_at, ended_at, duration_ms, bytes, blob_id, changed, commit_id,
                     attempts)
SELECT r.id, d.id, r.started_at + (d.id %% 200) * interval '1 second',
       CASE WHEN f.failed THEN 'failed' ELSE 'ok' END,
       CASE WHEN f.failed THEN 'timeout' END,
       CASE WHEN f.failed THEN 'timed out after 60 s waiting for the prompt' ELSE '' END,
       r.started_at + (d.id %% 200) * interval '1 second',
       r.started_at + (d.id %% 200) * interval '1 second' + interval '3 seconds',
       3000, CASE WHEN f.failed THEN 0 ELSE 20000 + d.id %% 5000 END,
       CASE WHEN f.failed THEN NULL ELSE md5(d.id::text || '-' || r.id::text) END,
       NOT f.failed AND (r.id * 31 + d.id) %% 33 = 0, NULL, 1
FROM runs r
CROSS JOIN devices d
CROSS JOIN LATERAL (
    SELECT (d.id %% 200 = 0 AND r.id > %(runs)s - 5)
        OR ((r.id * 7919 + d.id * 104729) %% 50 = 0) AS failed
) f
WHERE d.id <= %(devices)s - %(never)s
  AND NOT (d.id %% 500 = 1 AND r.id > %(stopped_after)s)
ORDER BY r.id, d.id
"""

# What Store.record_backups keeps current, computed once for the whole fleet.
FILL_LATEST = """
WITH latest AS (
    SELECT DISTINCT ON (device_id) device_id, backup_date, status, error_class, error_message,
           run_id
    FROM backups ORDER BY device_id, backup_date DESC, id DESC
), marks AS (
    SELECT device_id,
           max(backup_date) FILTER (WHERE status = 'ok') AS last_ok,
           max(backup_date) FILTER (WHERE status = 'ok' AND changed) AS last_change
    FROM backups GROUP BY device_id
)
UPDATE devices d
SET last_backup_at = l.backup_date, last_status = l.status, last_error_class = l.error_class,
    last_error_message = NULLIF(l.error_message, ''), last_success_at = m.last_ok,
    last_change_at = m.last_change, last_run_id = l.run_id,
    failing_since = CASE WHEN l.status = 'failed' THEN (
        SELECT min(b.backup_date) FROM backups b
        WHERE b.device_id = d.id AND b.status = 'failed'
          AND b.backup_date > coalesce(m.last_ok, '-infinity')) END
FROM latest l JOIN marks m USING (device_id)
WHERE d.id = l.device_id
"""

FILL_RUN_TOTALS = """
UPDATE runs SET devices_total = t.total, ok = t.ok, failed = t.failed, changed = t.changed
FROM (SELECT run_id, count(*) AS total, count(*) FILTER (WHERE status = 'ok') AS ok,
             count(*) FILTER (WHERE status = 'failed') AS failed,
             count(*) FILTER (WHERE changed) AS changed
      FROM backups GROUP BY run_id) t
WHERE runs.id = t.run_id
"""


def _admin(url: str, sql: str) -> None:
    with closing(psycopg2.connect(url)) as conn:
        conn.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
        with conn.cursor() as cursor:
            cursor.execute(sql)


def _step(label: str, action: Callable[[], Any], timings: dict[str, float]) -> None:
    start = time.perf_counter()
    action()
    timings[label] = round(time.perf_counter() - start, 2)
    print(f"  {label}: {timings[label]:.1f} s", flush=True)


def generate(url: str, devices: int, providers: int, runs: int) -> dict[str, float]:
    """Bulk-load the fleet; returns seconds per step."""
    params = {
        "t0": T0,
        "devices": devices,
        "providers": providers,
        "platforms": list(platform_names()),  # round-robin over every platform confvault knows
        "platform_count": len(platform_names()),
        "runs": runs,
        "never": NEVER_BACKED_UP,
        "stopped_after": int(runs * STOPPED_AFTER_FRACTION),
    }
    timings: dict[str, float] = {}
    with closing(psycopg2.connect(url)) as conn:
        conn.autocommit = True
        cursor = conn.cursor()
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE tablename = 'backups' AND indexname <> 'pk_backups'"
        )
        secondary = cursor.fetchall()  # rebuilt after the load: much faster than maintained
        _step("devices", lambda: cursor.execute(LOAD_DEVICES, params), timings)
        _step("runs", lambda: cursor.execute(LOAD_RUNS, params), timings)
        for name, _ in secondary:
            cursor.execute(f'DROP INDEX "{name}"')
        _step("backups", lambda: cursor.execute(LOAD_BACKUPS, params), timings)

        def rebuild() -> None:
            for _, definition in secondary:
                cursor.execute(definition)

        _step("indexes", rebuild, timings)
        _step("latest columns", lambda: cursor.execute(FILL_LATEST), timings)
        _step("run totals", lambda: cursor.execute(FILL_RUN_TOTALS), timings)
        _step("vacuum analyze", lambda: cursor.execute("VACUUM ANALYZE"), timings)
    return timings


def sizes(url: str) -> dict[str, Any]:
    with closing(psycopg2.connect(url)) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM backups), (SELECT count(*) FROM devices),"
            " (SELECT count(*) FROM runs),"
            " pg_total_relation_size('backups'), pg_relation_size('backups'),"
            " pg_total_relation_size('devices'), pg_database_size(current_database())"
        )
        row = cursor.fetchone()
        assert row is not None  # an aggregate SELECT always returns one row
        backups, devices, runs, total, heap, devices_total, database = row
    mb = 1024 * 1024
    return {
        "backup_rows": backups,
        "devices": devices,
        "runs": runs,
        "backups_table_and_indexes_mb": round(total / mb, 1),
        "backups_table_mb": round(heap / mb, 1),
        "backups_indexes_mb": round((total - heap) / mb, 1),
        "devices_table_and_indexes_mb": round(devices_total / mb, 1),
        "database_mb": round(database / mb, 1),
    }


def measure(action: Callable[[], object], repeat: int) -> dict[str, float]:
    action()  # warm: first use of the statement and of its pages
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 2),
        "repeat": repeat,
    }


def time_queries(
    url: str, devices: int, providers: int, runs: int, repeat: int
) -> dict[str, dict[str, Any]]:
    now = T0 + timedelta(days=runs - 1, hours=1)  # an hour after the last run started
    # a mid-fleet device with a full history (id % 500 not 1), and an existing provider
    provider, device = f"p{min(7, providers - 1):02d}", f"r{devices // 2 + 2:05d}"
    with Database(url) as db:
        q = db.queries
        cases: list[tuple[str, Callable[[], object], float | None, int]] = [
            ("summary", lambda: q.summary(STALE_HOURS, now=now), SUMMARY_TARGET_MS, repeat),
            (
                f"summary, provider {provider}",
                lambda: q.summary(STALE_HOURS, provider, now=now),
                SUMMARY_TARGET_MS,
                repeat,
            ),
            ("device list page 1 (50)", lambda: q.device_page(1), PAGE_TARGET_MS, repeat),
            ("device list page 100 (50)", lambda: q.device_page(100), PAGE_TARGET_MS, repeat),
            (
                f"device list, provider {provider}, page 2",
                lambda: q.device_page(2, provider=provider),
                PAGE_TARGET_MS,
                repeat,
            ),
            (
                "device list, status failed, page 1",
                lambda: q.device_page(1, status="failed"),
                PAGE_TARGET_MS,
                repeat,
            ),
            ("failed list (100)", lambda: q.failed_devices(limit=100), PAGE_TARGET_MS, repeat),
            (
                "stale list (100)",
                lambda: q.stale_devices(STALE_HOURS, limit=100, now=now),
                PAGE_TARGET_MS,
                repeat,
            ),
            (
                f"history of {device}, page 1 (50)",
                lambda: q.device_history(device, 1),
                PAGE_TARGET_MS,
                repeat,
            ),
            (
                f"history of {device}, page 5 (50)",
                lambda: q.device_history(device, 5),
                PAGE_TARGET_MS,
                repeat,
            ),
            (f"device {device} detail", lambda: q.device(device), PAGE_TARGET_MS, repeat),
            ("latest backup of every device", lambda: q.latest_backups(), None, 5),
            (
                f"prune --dry-run --older-than {RETENTION.days}d",
                lambda: db.retention.plan(now - RETENTION),
                None,
                3,
            ),
        ]
        results: dict[str, dict[str, Any]] = {}
        for label, action, target, count in cases:
            figures: dict[str, Any] = measure(action, count)
            figures["target_ms"] = target
            figures["meets_target"] = None if target is None else figures["median_ms"] < target
            results[label] = figures
            print(f"  {label}: {figures['median_ms']:.2f} ms", flush=True)
        plan = db.retention.plan(now - RETENTION)
        results[f"prune --dry-run --older-than {RETENTION.days}d"]["would_delete"] = plan.total
    return results


def time_prune(url: str, runs: int) -> dict[str, Any]:
    """The real batched prune at the 90-day cutoff (deletes about three quarters of the rows)."""
    now = T0 + timedelta(days=runs - 1, hours=1)
    with Database(url) as db:
        start = time.perf_counter()
        result = db.retention.prune(now - RETENTION)
        seconds = time.perf_counter() - start
    figures = {
        "seconds": round(seconds, 1),
        "deleted": result.deleted,
        "batches": result.batches,
        "rows_per_s": round(result.deleted / seconds) if seconds else None,
    }
    print(f"  prune --older-than {RETENTION.days}d: {figures}", flush=True)
    return figures


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| query | median ms | p95 ms | target ms | ok |",
        "|---|---:|---:|---:|:---:|",
    ]
    for label, f in results.items():
        target = "" if f["target_ms"] is None else f"{f['target_ms']:.0f}"
        verdict = {None: "", True: "yes", False: "NO"}[f["meets_target"]]
        lines.append(
            f"| {label} | {f['median_ms']:.2f} | {f['p95_ms']:.2f} | {target} | {verdict} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--runs", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--url", default=DEFAULT_URL, help="a database on the server to use")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument(
        "--prune", action="store_true", help="also time the real 90-day prune (minutes)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.devices <= NEVER_BACKED_UP or args.runs < 6 or args.providers < 1:
        parser.error(f"need --devices > {NEVER_BACKED_UP}, --runs >= 6, --providers >= 1")

    name = f"confvault_bench_{uuid.uuid4().hex[:8]}"
    _admin(args.url, f'CREATE DATABASE "{name}"')
    url = make_url(args.url).set(database=name).render_as_string(hide_password=False)
    try:
        print(f"database {name}: migrating and generating", flush=True)
        upgrade(url)
        started = time.perf_counter()
        steps = generate(url, args.devices, args.providers, args.runs)
        generation_s = round(time.perf_counter() - started, 1)
        data = sizes(url)
        print(f"generated {data['backup_rows']:,} backup rows in {generation_s} s", flush=True)
        print("timing", flush=True)
        results = time_queries(url, args.devices, args.providers, args.runs, args.repeat)
        prune = time_prune(url, args.runs) if args.prune else None
    finally:
        if not args.keep:
            _admin(args.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "postgres_database": name if args.keep else None,
        "fleet": {"devices": args.devices, "providers": args.providers, "runs": args.runs},
        "data": data,
        "generation_s": generation_s,
        "generation_steps_s": steps,
        "queries": results,
        "prune": prune,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(
        f"{data['backup_rows']:,} backup rows, {data['devices']:,} devices, {data['runs']} runs;"
        f" backups {data['backups_table_and_indexes_mb']} MB (table {data['backups_table_mb']} MB"
        f" + indexes {data['backups_indexes_mb']} MB); generated in {generation_s} s"
    )
    print(table(results))
    if prune is not None:
        print(
            f"\nprune --older-than {RETENTION.days}d: {prune['deleted']:,} rows in"
            f" {prune['batches']} batches, {prune['seconds']} s"
        )
    print(f"\nwrote {args.output}")


if __name__ == "__main__":
    main()
