"""The host_keys setting: checked by default (accept-new), its three modes, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from confvault.errors import ConfigError
from confvault.settings import load_settings


def load_text(tmp_path: Path, text: str) -> str:
    config = tmp_path / "confvault.yaml"
    config.write_text(text, encoding="utf-8")
    return load_settings(config, env={}, overrides={}, cwd=tmp_path).host_keys


def test_host_keys_are_checked_by_default_in_the_projects_data_dir(tmp_path: Path) -> None:
    settings = load_settings(None, env={}, overrides={}, cwd=tmp_path)
    assert settings.host_keys == "accept-new"
    assert settings.known_hosts_file == tmp_path / "data" / "known_hosts"


@pytest.mark.parametrize(
    ("written", "mode"),
    [("strict", "strict"), ("accept-new", "accept-new"), ("off", "off"), ("'off'", "off")],
)
def test_each_mode_as_written_in_yaml(tmp_path: Path, written: str, mode: str) -> None:
    assert load_text(tmp_path, f"host_keys: {written}\n") == mode


@pytest.mark.parametrize("written", ["yes", "on", "accept_new", "1"])
def test_a_bad_mode_is_one_line_naming_the_file_line(tmp_path: Path, written: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_text(tmp_path, f"workers: 4\nhost_keys: {written}\n")
    message = str(caught.value)
    assert "confvault.yaml:2" in message
    assert "host_keys" in message
    assert "expected strict, accept-new or off" in message
    assert "\n" not in message


def test_ssh_config_is_opt_in_true_is_the_users_and_a_path_is_relative_to_the_file(
    tmp_path: Path,
) -> None:
    config = tmp_path / "confvault.yaml"

    def ssh_config(text: str) -> Path | None:
        config.write_text(text, encoding="utf-8")
        return load_settings(config, env={}, overrides={}, cwd=tmp_path).ssh_config

    assert ssh_config("workers: 4\n") is None
    assert ssh_config("ssh_config: false\n") is None
    assert ssh_config("ssh_config: true\n") == Path("~/.ssh/config").expanduser()
    assert ssh_config("ssh_config: ssh/config\n") == tmp_path / "ssh" / "config"
