"""One database-URL redactor: whatever the password holds, no part of it is ever printed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from confvault.cli import cli
from confvault.db import display_url
from confvault.settings import load_settings
from confvault.urls import redact_url

CONFVAULT = Path(sys.executable).with_name("confvault")
# Port 1 on loopback: nothing listens, so every command fails at connect and prints the URL.
URLS = {
    "pa/ss": "postgresql://app:pa/ss@127.0.0.1:1/x",
    "p@ss": "postgresql://app:p@ss@127.0.0.1:1/x",
}
COMMANDS = (["status"], ["status", "--json"], ["db", "current"])
# The password, its pieces, and what a parser splitting at the first '@' would leave behind.
LEAKS = ("pa/ss", "p@ss", "pa", "ss@", "/ss")


def assert_no_leak(text: str) -> None:
    assert "***" in text
    for piece in LEAKS:
        assert piece not in text


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("password", URLS)
def test_cli_never_prints_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, password: str, command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no confvault.yaml around
    result = CliRunner().invoke(cli, ["--database-url", URLS[password], *command], env={})
    assert result.exit_code != 0
    # what the console entry point prints: click's output plus the error's one line
    assert_no_leak(result.output + str(result.exception))


@pytest.mark.parametrize("password", URLS)
def test_installed_command_never_prints_the_password(tmp_path: Path, password: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CONFVAULT_CONFIG")}
    done = subprocess.run(
        [str(CONFVAULT), "--database-url", URLS[password], "status", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert_no_leak(done.stdout + done.stderr)


@pytest.mark.parametrize("password", URLS)
def test_settings_display_masks_the_password(tmp_path: Path, password: str) -> None:
    settings = load_settings(None, env={}, overrides={"database_url": URLS[password]}, cwd=tmp_path)
    assert settings.database_url_redacted == "postgresql://app:***@127.0.0.1:1/x"
    assert display_url(URLS[password]) == "postgresql://app:***@127.0.0.1:1/x"


def test_redactor_keeps_urls_without_a_password() -> None:
    for url in ("sqlite:///data/status.db", "postgresql://app@db/x", "postgresql://db/x"):
        assert redact_url(url) == url


passwords = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\n\r\0"),
    min_size=1,
    max_size=30,
)


@given(
    password=passwords,
    user=st.text(alphabet="abcdefgh_-.", min_size=1, max_size=8),
    tail=st.sampled_from(["db/x", "127.0.0.1:5432/x", "h/x?sslmode=require", "h"]),
)
def test_no_part_of_any_password_survives(password: str, user: str, tail: str) -> None:
    url = f"postgresql://{user}:{password}@{tail}"
    for shown in (redact_url(url), display_url(url)):
        assert shown.startswith(f"postgresql://{user}:***@")
        userinfo = shown.removeprefix("postgresql://").rsplit("@", 1)[0]
        assert userinfo == f"{user}:***"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://app@db/x?password=s3cret", "postgresql://app@db/x?password=***"),
        (
            "postgresql://app@db/x?sslmode=require&PASSWORD=s3cret&connect_timeout=5",
            "postgresql://app@db/x?sslmode=require&PASSWORD=***&connect_timeout=5",
        ),
        ("postgresql://app:pw@db/x?password=s3cret", "postgresql://app:***@db/x?password=***"),
    ],
)
def test_a_password_given_as_a_query_parameter_is_masked(url: str, shown: str) -> None:
    assert redact_url(url) == shown
