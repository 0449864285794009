"""The commands without ``--json`` print what a script would read: a revision, a diff, a file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.unit.cli.cli_project import OK_DEVICE, Confvault, Seeded

FIRST_TEXT = "hostname acme-1\n!\nend\n"
SECOND_TEXT = "hostname acme-1\nntp 1\nend\n"


def test_init_writes_a_project_and_refuses_to_overwrite_it(
    confvault: Confvault, tmp_path: Path
) -> None:
    target = tmp_path / "fresh"
    done = confvault.bare("init", str(target))

    assert done.exit_code == 0, done.stderr
    assert f"wrote {target / 'confvault.yaml'}" in done.stdout
    assert (target / "archive" / ".git").is_dir()
    (target / "confvault.yaml").write_text("workers: 7\n")
    again = confvault.bare("init", str(target))
    assert again.exit_code == 2
    assert "confvault.yaml" in again.error_line
    assert "already exists; not overwriting" in again.error_line
    assert (target / "confvault.yaml").read_text() == "workers: 7\n"


def test_db_current_and_upgrade_name_the_same_revision(confvault: Confvault) -> None:
    current = confvault("db", "current")
    upgrade = confvault("db", "upgrade")

    assert current.exit_code == 0, current.stderr
    assert upgrade.exit_code == 0, upgrade.stderr
    revision = current.stdout.strip()
    assert upgrade.stdout.strip().endswith(f"schema {revision} -> {revision}")


def test_diff_is_the_last_change(confvault: Confvault, seeded: Seeded) -> None:
    done = confvault("diff", OK_DEVICE)

    assert done.exit_code == 0, done.stderr
    assert f"--- a/acme/{OK_DEVICE}.cfg" in done.stdout
    assert "\n-!\n+ntp 1\n" in done.stdout


def test_show_latest_by_revision_and_by_date(confvault: Confvault, seeded: Seeded) -> None:
    latest = confvault("show", OK_DEVICE)
    by_rev = confvault("show", OK_DEVICE, "--rev", seeded.commits[0])
    first_day = seeded.first_backup_at.date().isoformat()
    by_date = confvault("show", OK_DEVICE, "--at", first_day)
    before = (seeded.first_backup_at - timedelta(days=1)).date().isoformat()
    too_early = confvault("show", OK_DEVICE, "--at", before)

    assert (latest.exit_code, latest.stdout) == (0, SECOND_TEXT)
    assert (by_rev.exit_code, by_rev.stdout) == (0, FIRST_TEXT)
    assert (by_date.exit_code, by_date.stdout) == (0, FIRST_TEXT)
    assert too_early.exit_code != 0
    assert OK_DEVICE in too_early.error_line
