"""The ``--json`` shape of every report: the keys and types a script relies on."""

from __future__ import annotations

from datetime import datetime

from tests.unit.cli.cli_project import FAILED_DEVICE, OK_DEVICE, Confvault, Seeded

# key -> the JSON type(s) a script may rely on
Shape = dict[str, type | tuple[type, ...]]

RUN_KEYS: Shape = {
    "id": int,
    "started_at": str,
    "ended_at": str,
    "status": str,
    "pid": int,
    "hostname": str,
    "workers": int,
    "selection": str,
    "devices_total": int,
    "ok": int,
    "failed": int,
    "changed": int,
    "commit_id": (str, type(None)),
    "error": (str, type(None)),
    "archive_id": (str, type(None)),
    "archive_path": (str, type(None)),
}
DEVICE_KEYS: Shape = {
    "name": str,
    "provider": str,
    "platform": str,
    "hostname": str,
    "active": bool,
    "last_backup_at": (str, type(None)),
    "last_status": (str, type(None)),
    "last_error_class": (str, type(None)),
    "last_error_message": (str, type(None)),
    "last_success_at": (str, type(None)),
    "last_change_at": (str, type(None)),
    "failing_since": (str, type(None)),
    "last_run_id": (int, type(None)),
}


def assert_shape(value: object, shape: Shape) -> None:
    assert isinstance(value, dict)
    assert set(value) == set(shape)
    for key, expected in shape.items():
        assert isinstance(value[key], expected), (key, value[key])


def is_utc_timestamp(text: str) -> bool:
    return datetime.fromisoformat(text).utcoffset() is not None


def test_run_over_zero_devices_reports_a_completed_run(confvault: Confvault) -> None:
    done = confvault("run", "--json")

    assert done.exit_code == 0, done.stderr
    report = done.json()
    assert_shape(
        report,
        {
            "run_id": int,
            "status": str,
            "exit_code": int,
            "started_at": str,
            "ended_at": str,
            "devices": int,
            "ok": int,
            "failed": int,
            "changed": int,
            "commit": type(None),
            "changed_devices": list,
            "failures": list,
            "timings": dict,
            "status_pending": type(None),
            "warnings": list,
        },
    )
    assert report["status"] == "completed"
    assert report["exit_code"] == 0
    assert (report["devices"], report["ok"], report["failed"], report["changed"]) == (0, 0, 0, 0)
    assert is_utc_timestamp(report["started_at"])
    assert is_utc_timestamp(report["ended_at"])
    assert all(isinstance(seconds, float) for seconds in report["timings"].values())


def test_status_lists_the_failing_and_stale_devices_and_exits_1(
    confvault: Confvault, seeded: Seeded
) -> None:
    done = confvault("status", "--json")

    assert done.exit_code == 1, done.stderr  # a monitoring check sees the failing device
    report = done.json()
    assert set(report) == {"summary", "failed", "stale"}
    summary = report["summary"]
    assert_shape(
        summary,
        {
            "provider": type(None),
            "stale_hours": float,
            "active_devices": int,
            "ok": int,
            "failed": int,
            "never_backed_up": int,
            "stale": int,
            "last_run": dict,
        },
    )
    assert (summary["active_devices"], summary["ok"], summary["failed"]) == (2, 1, 1)
    assert_shape(summary["last_run"], RUN_KEYS)
    assert summary["last_run"]["commit_id"] == seeded.commits[1]
    (failed,) = report["failed"]
    assert_shape(failed, DEVICE_KEYS)
    assert (failed["name"], failed["last_status"], failed["last_error_class"]) == (
        FAILED_DEVICE,
        "failed",
        "timeout",
    )
    assert is_utc_timestamp(failed["failing_since"])
    assert sorted(d["name"] for d in report["stale"]) == [OK_DEVICE, FAILED_DEVICE]
    for device in report["stale"]:
        assert_shape(device, DEVICE_KEYS)


def test_status_of_one_provider_counts_only_its_devices(
    confvault: Confvault, seeded: Seeded
) -> None:
    done = confvault("status", "--provider", "acme", "--stale", "100000", "--json")

    assert done.exit_code == 0, done.stderr
    summary = done.json()["summary"]
    assert (summary["provider"], summary["active_devices"], summary["stale"]) == ("acme", 1, 0)


def test_devices_page(confvault: Confvault, seeded: Seeded) -> None:
    done = confvault("devices", "--per-page", "1", "--page", "2", "--json")

    assert done.exit_code == 0, done.stderr
    page = done.json()
    assert {k: page[k] for k in ("page", "per_page", "pages", "total")} == {
        "page": 2,
        "per_page": 1,
        "pages": 2,
        "total": 2,
    }
    (device,) = page["devices"]
    assert_shape(device, DEVICE_KEYS)
    assert device["name"] == FAILED_DEVICE


def test_devices_filtered_by_status(confvault: Confvault, seeded: Seeded) -> None:
    done = confvault("devices", "--status", "ok", "--platform", "cisco_ios", "--json")

    assert done.exit_code == 0, done.stderr
    assert [d["name"] for d in done.json()["devices"]] == [OK_DEVICE]


def test_runs_newest_first(confvault: Confvault, seeded: Seeded) -> None:
    done = confvault("runs", "--limit", "5", "--json")

    assert done.exit_code == 0, done.stderr
    records = done.json()
    assert isinstance(records, list)
    for record in records:
        assert_shape(record, RUN_KEYS)
        assert is_utc_timestamp(record["started_at"])
    assert [r["id"] for r in records] == [2, 1]
    assert [r["commit_id"] for r in records] == list(reversed(seeded.commits))
    assert records[0]["status"] == "partial"


def test_history_lists_the_commits_that_changed_the_device(
    confvault: Confvault, seeded: Seeded
) -> None:
    done = confvault("history", OK_DEVICE, "--json")

    assert done.exit_code == 0, done.stderr
    report = done.json()
    assert (report["device"], report["path"]) == (OK_DEVICE, f"acme/{OK_DEVICE}.cfg")
    for commit in report["commits"]:
        assert_shape(commit, {"commit_id": str, "authored_at": str, "summary": str, "run_id": int})
    assert [c["commit_id"] for c in report["commits"]] == list(reversed(seeded.commits))
    assert [c["run_id"] for c in report["commits"]] == [2, 1]
    oldest = datetime.fromisoformat(report["commits"][-1]["authored_at"])
    assert oldest == seeded.first_backup_at.replace(microsecond=0)


def test_history_of_a_device_never_archived_is_empty(confvault: Confvault, seeded: Seeded) -> None:
    done = confvault("history", FAILED_DEVICE, "--json")

    assert done.exit_code == 0, done.stderr
    assert done.json()["commits"] == []


def test_prune_dry_run_counts_per_provider(confvault: Confvault, seeded: Seeded) -> None:
    done = confvault("prune", "--older-than", "99d", "--dry-run", "--json")

    assert done.exit_code == 0, done.stderr
    report = done.json()
    assert_shape(
        report,
        {
            "older_than": str,
            "cutoff": str,
            "dry_run": bool,
            "deleted": int,
            "kept_latest": int,
            "by_provider": dict,
            "batches": int,
            "seconds": float,
        },
    )
    assert report["dry_run"] is True
    assert is_utc_timestamp(report["cutoff"])
    # day-0 rows are older than 99 days; day-1 rows are each device's latest and stay
    assert report["by_provider"] == {"acme": 1, "globex": 1}
    assert (report["deleted"], report["kept_latest"]) == (2, 2)


def test_prune_reports_what_it_deleted(confvault: Confvault, seeded: Seeded) -> None:
    done = confvault("prune", "--older-than", "99d", "--json")

    assert done.exit_code == 0, done.stderr
    report = done.json()
    assert (report["dry_run"], report["deleted"], report["kept_latest"]) == (False, 2, None)
    assert isinstance(report["batches"], int)
    assert report["batches"] >= 1
    after = confvault("prune", "--older-than", "99d", "--dry-run", "--json").json()
    assert after["deleted"] == 0
