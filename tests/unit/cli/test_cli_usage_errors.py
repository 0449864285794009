"""Bad usage of every command: exit 2, no traceback, and a message naming what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.unit.cli.cli_project import OK_DEVICE, Confvault, Seeded

from confvault import cli as cli_package

# Every command that reads the settings file, with the arguments it needs to get that far.
SETTINGS_READERS = [
    ("run",),
    ("status",),
    ("devices",),
    ("runs",),
    ("history", OK_DEVICE),
    ("diff", OK_DEVICE),
    ("show", OK_DEVICE),
    ("prune", "--older-than", "90d"),
    ("db", "upgrade"),
    ("db", "current"),
]
IDS = [" ".join(args[:2]) for args in SETTINGS_READERS]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("init", "confvault.yaml"), "is a file"),
        (("run", "--workers", "many"), "--workers"),
        (("run", "--timeout", "soon"), "--timeout"),
        (("run", "--bogus"), "--bogus"),
        (("status", "--stale", "0"), "--stale"),
        (("status", "--provider"), "--provider"),
        (("devices", "--page", "0"), "--page"),
        (("devices", "--per-page", "1001"), "--per-page"),
        (("devices", "--status", "bogus"), "--status"),
        (("runs", "--limit", "0"), "--limit"),
        (("runs", "--limit", "1001"), "--limit"),
        (("history",), "DEVICE"),
        (("history", OK_DEVICE, "--limit", "10001"), "--limit"),
        (("diff",), "DEVICE"),
        (("show",), "DEVICE"),
        (("prune",), "--older-than"),
        (("prune", "--older-than", "90d", "--batch-size", "0"), "--batch-size"),
        (("db", "downgrade"), "downgrade"),
        (("no-such-command",), "no-such-command"),
        (("lab", "no-such-command"), "no-such-command"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else None,
)
def test_click_usage_errors_exit_2_naming_the_flag(
    confvault: Confvault, args: tuple[str, ...], named: str
) -> None:
    if args[0] == "lab":
        pytest.importorskip("confvault_lab")
    done = confvault(*args)

    assert done.exit_code == 2
    assert "Traceback" not in done.stderr
    (error,) = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert named in error
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "--workers", "0"), "--workers: workers: expected an integer 1..1000, got 0"),
        (("run", "--timeout", "0"), "--timeout: timeout: expected a number of seconds"),
        (("run", "--ramp-up", "-1"), "--ramp-up"),
        (("run", "--retries", "-1"), "--retries"),
        (("show", OK_DEVICE, "--at", "yesterday"), "--at: expected a date like 2026-11-01"),
        (
            ("show", OK_DEVICE, "--at", "2026-11-01", "--rev", "HEAD"),
            "give --at or --rev, not both",
        ),
        (("prune", "--older-than", "90 days"), "90 days"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else "",
)
def test_bad_values_and_conflicting_flags_are_one_line(
    confvault: Confvault, args: tuple[str, ...], message: str
) -> None:
    done = confvault(*args)

    assert done.exit_code == 2
    assert message in done.error_line
    assert done.error_line.startswith("confvault: error: ")


@pytest.mark.parametrize(
    "args",
    [
        ("run", "--device", "no-such-router"),
        ("history", "no-such-router"),
        ("diff", "no-such-router"),
        ("show", "no-such-router"),
    ],
    ids=lambda args: args[0],
)
def test_unknown_device_exits_2_naming_it(
    confvault: Confvault, seeded: Seeded, args: tuple[str, ...]
) -> None:
    done = confvault(*args)

    assert done.exit_code == 2
    assert "unknown device 'no-such-router'" in done.error_line


def test_missing_credential_names_the_variable(
    confvault: Confvault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACME_PASSWORD")
    done = confvault("run")

    assert done.exit_code == 2
    assert "inventory/groups.yaml" in done.error_line
    assert "ACME_PASSWORD" in done.error_line


def test_inventory_error_names_the_file_and_host(confvault: Confvault) -> None:
    hosts = confvault.root / "inventory" / "hosts.yaml"
    hosts.write_text("core-sw1:\n  hostname: 192.0.2.10\n  platform: cisco_ious\n")
    done = confvault("run")

    assert done.exit_code == 2
    assert "hosts.yaml" in done.error_line
    assert "core-sw1" in done.error_line
    assert "cisco_ious" in done.error_line


@pytest.mark.parametrize("args", SETTINGS_READERS, ids=IDS)
def test_missing_settings_file_names_it(confvault: Confvault, args: tuple[str, ...]) -> None:
    done = confvault(*args, config=confvault.root / "missing.yaml")

    assert done.exit_code == 2
    assert "missing.yaml" in done.error_line


@pytest.mark.parametrize("args", SETTINGS_READERS, ids=IDS)
def test_bad_setting_names_the_file_line_and_field(
    confvault: Confvault, tmp_path: Path, args: tuple[str, ...]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("archive_path: archive\nworkers: lots\n")
    done = confvault(*args, config=bad)

    assert done.exit_code == 2
    assert "bad.yaml:2" in done.error_line
    assert "workers" in done.error_line


@pytest.mark.parametrize("args", SETTINGS_READERS, ids=IDS)
def test_unparsable_settings_file_names_it(
    confvault: Confvault, tmp_path: Path, args: tuple[str, ...]
) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("workers: [1,\n")
    done = confvault(*args, config=bad)

    assert done.exit_code == 2
    assert "broken.yaml" in done.error_line


def test_settings_file_from_the_environment_is_named(
    confvault: Confvault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFVAULT_CONFIG", str(confvault.root / "elsewhere.yaml"))
    done = confvault.bare("status")

    assert done.exit_code == 2
    assert "CONFVAULT_CONFIG" in done.error_line
    assert "elsewhere.yaml" in done.error_line


def test_lab_is_mounted_from_its_distribution(confvault: Confvault) -> None:
    pytest.importorskip("confvault_lab")
    listing = confvault.bare("--help")
    assert listing.exit_code == 0
    assert "lab" in listing.stdout.split("Commands:")[1].split()

    done = confvault.bare("lab", "--help")
    assert done.exit_code == 0, done.stderr
    assert "lab [OPTIONS] COMMAND" in done.stdout
    assert {"start", "stop"} <= set(done.stdout.split("Commands:")[1].split())


def test_lab_not_installed_is_one_line_exit_2(
    confvault: Confvault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_package, "_plugin_commands", dict)  # no entry point registered
    done = confvault.bare("lab", "start")

    assert done.exit_code == 2
    assert done.error_line == f"confvault: error: {cli_package.LAB_MISSING}"
