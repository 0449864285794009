"""The session log's text: the platform's secret rules and the credentials, whatever the
terminal drew around a line."""

from __future__ import annotations

from pathlib import Path

from confvault.platforms import get_platform
from confvault.runner.trace import masked_session, write_session_log
from confvault.settings import load_settings

IOS = get_platform("cisco_ios")


def test_secrets_are_masked_even_behind_a_pager_eraser() -> None:
    raw = "R1#show run\r\n --More-- \r          \r password 7 0822455D0A16\r\nend\r\nR1#"
    text = masked_session(IOS, raw, ())
    assert "0822455D0A16" not in text
    assert " password 7 <removed>" in text


def test_credentials_a_device_echoed_are_scrubbed() -> None:
    text = masked_session(IOS, "R1>enable\r\nPassword: s3cret-enable\r\nR1#", ("s3cret-enable",))
    assert "s3cret-enable" not in text
    assert "R1#" in text


def test_the_log_file_is_private_and_ends_with_the_outcome(tmp_path: Path) -> None:
    path = write_session_log(tmp_path / "logs", "r1", "R1#", "rejected: device refused it")
    assert path == tmp_path / "logs" / "r1.log"
    assert path.stat().st_mode & 0o077 == 0
    assert path.read_text().splitlines() == ["R1#", "# confvault: rejected: device refused it"]


def test_the_setting_resolves_against_the_settings_file(tmp_path: Path) -> None:
    (tmp_path / "confvault.yaml").write_text("session_log_dir: session-logs\n")
    settings = load_settings(tmp_path / "confvault.yaml", env={}, overrides={}, cwd=Path("/"))
    assert settings.session_log_dir == tmp_path / "session-logs"
    assert load_settings(None, env={}, overrides={}, cwd=tmp_path / "x").session_log_dir is None
