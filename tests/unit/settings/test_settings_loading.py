"""Settings: precedence, defaults, and one-line errors naming file:line, variable or flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from confvault.errors import ConfigError
from confvault.settings import Settings, load_settings


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str | None = None, **kwargs: object) -> Settings:
    config = write(tmp_path / "confvault.yaml", text) if text is not None else None
    env = kwargs.pop("env", {})
    overrides = kwargs.pop("overrides", {})
    return load_settings(config, env=env, overrides=overrides, cwd=tmp_path)  # type: ignore[arg-type]


def test_defaults_without_any_file(tmp_path: Path) -> None:
    settings = load_settings(None, env={}, overrides={}, cwd=tmp_path)
    assert settings.config_file is None
    assert settings.workers == 50
    assert settings.timeout == 60.0
    assert settings.retries == 2
    assert settings.stale_hours == 24.0
    assert settings.mask_secrets is False
    assert (settings.db_pool_size, settings.db_max_overflow, settings.db_pool_timeout) == (
        5,
        5,
        30.0,
    )
    assert settings.data_dir == tmp_path / "data"
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'confvault.db'}"
    assert settings.nornir_config == tmp_path / "nornir.yaml"


def test_flags_beat_environment_beat_file_beat_defaults(tmp_path: Path) -> None:
    text = "workers: 10\ntimeout: 30\nretries: 1\n"
    env = {"BACKUP_MAX_WORKERS": "20", "BACKUP_TIMEOUT": "45"}
    settings = load(tmp_path, text, env=env, overrides={"workers": 99, "timeout": None})
    assert settings.workers == 99  # flag
    assert settings.timeout == 45.0  # environment (the flag was not given: None)
    assert settings.retries == 1  # file
    assert settings.stale_hours == 24.0  # default


def test_ramp_up_from_file_environment_and_flag_zero_allowed(tmp_path: Path) -> None:
    assert load(tmp_path).ramp_up == 1.0
    assert load(tmp_path, "ramp_up: 0\n").ramp_up == 0.0  # everyone at once
    assert load(tmp_path, env={"BACKUP_RAMP_UP": "2.5"}).ramp_up == 2.5
    assert load(tmp_path, overrides={"ramp_up": 0.5}).ramp_up == 0.5


def test_default_file_in_working_directory_and_confvault_config(tmp_path: Path) -> None:
    write(tmp_path / "confvault.yaml", "workers: 7\n")
    assert load_settings(None, env={}, overrides={}, cwd=tmp_path).workers == 7
    other = write(tmp_path / "etc" / "cv.yaml", "workers: 8\narchive_path: repo\n")
    settings = load_settings(None, env={"CONFVAULT_CONFIG": str(other)}, overrides={}, cwd=tmp_path)
    assert settings.workers == 8
    assert settings.archive_path == tmp_path / "etc" / "repo"  # relative to the file's folder
    assert settings.project_dir == tmp_path / "etc"


def test_relative_paths_and_sqlite_url_resolve_against_the_file(tmp_path: Path) -> None:
    text = "data_dir: var\ndatabase_url: sqlite:///db/x.db\nnornir_config: conf/nornir.yaml\n"
    settings = load(tmp_path / "proj", text)
    assert settings.data_dir == tmp_path / "proj" / "var"
    assert settings.database_url == f"sqlite:///{tmp_path / 'proj' / 'db' / 'x.db'}"
    assert settings.nornir_config == tmp_path / "proj" / "conf" / "nornir.yaml"


def test_database_url_default_follows_data_dir_flag(tmp_path: Path) -> None:
    settings = load(tmp_path, overrides={"data_dir": "/srv/cv"})
    assert settings.database_url == "sqlite:////srv/cv/confvault.db"


def test_pool_settings_from_environment(tmp_path: Path) -> None:
    env = {
        "DB_POOL_SIZE": "12",
        "DB_MAX_OVERFLOW": "0",
        "DB_POOL_TIMEOUT": "2.5",
        "DATABASE_URL": "postgresql://cv:hunter2@127.0.0.1/cv",
    }
    settings = load(tmp_path, env=env)
    assert (settings.db_pool_size, settings.db_max_overflow, settings.db_pool_timeout) == (
        12,
        0,
        2.5,
    )
    assert settings.database_url == "postgresql://cv:hunter2@127.0.0.1/cv"
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in settings.database_url_redacted


def test_empty_environment_value_counts_as_unset(tmp_path: Path) -> None:
    assert load(tmp_path, "workers: 9\n", env={"BACKUP_MAX_WORKERS": " "}).workers == 9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "# tuned\nworkers: lots\n",
            "confvault.yaml:2: workers: expected an integer 1..1000, got 'lots'",
        ),
        ("workers: 0\n", "confvault.yaml:1: workers: expected an integer 1..1000, got 0"),
        ("workers: true\n", "confvault.yaml:1: workers: expected an integer 1..1000, got True"),
        ("timeout: -1\n", "confvault.yaml:1: timeout: expected a number of seconds above 0"),
        ("timeout: .nan\n", "confvault.yaml:1: timeout: expected a number of seconds"),
        ("ramp_up: -1\n", "confvault.yaml:1: ramp_up: expected a number of seconds from 0"),
        ("mask_secrets: 'yes'\n", "confvault.yaml:1: mask_secrets: expected true or false"),
        ("\n\nworkerz: 3\n", "confvault.yaml:3: unknown setting 'workerz'"),
        ("workers: [1\n", "confvault.yaml:2: malformed YAML"),
        ("workers: 1\nworkers: 2\n", "confvault.yaml:2: malformed YAML: duplicate key 'workers'"),
        ("- workers\n", "confvault.yaml: expected a mapping of settings, got list"),
        ("database_url: mysql://u:pw@h/db\n", "confvault.yaml:1: database_url: expected a URL"),
    ],
)
def test_bad_file_values_name_file_line_and_field(tmp_path: Path, text: str, expected: str) -> None:
    cwd_file = tmp_path / "confvault.yaml"
    cwd_file.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(Path("confvault.yaml"), env={}, overrides={}, cwd=tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(expected), message


def test_relative_config_argument_resolves_against_cwd(tmp_path: Path) -> None:
    write(tmp_path / "confvault.yaml", "retries: 5\n")
    settings = load_settings(Path("confvault.yaml"), env={}, overrides={}, cwd=tmp_path)
    assert settings.retries == 5
    assert settings.config_file == tmp_path / "confvault.yaml"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"BACKUP_MAX_WORKERS": "lots"},
            "environment variable BACKUP_MAX_WORKERS: workers: expected",
        ),
        (
            {"BACKUP_MAX_WORKERS": "2.5"},
            "environment variable BACKUP_MAX_WORKERS: workers: expected an integer 1..1000",
        ),
        ({"BACKUP_TIMEOUT": "0"}, "environment variable BACKUP_TIMEOUT: timeout: expected"),
        ({"DB_POOL_TIMEOUT": "soon"}, "environment variable DB_POOL_TIMEOUT"),
        (
            {"CONFVAULT_CONFIG": "/nonexistent/cv.yaml"},
            "environment variable CONFVAULT_CONFIG: /nonexistent",
        ),
    ],
)
def test_bad_environment_names_the_variable(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    with pytest.raises(ConfigError, match="^" + expected.replace(".", r"\.")):
        load_settings(None, env=env, overrides={}, cwd=tmp_path)


def test_bad_flag_names_the_flag(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^--workers: workers: expected an integer 1\.\.1000"):
        load(tmp_path, overrides={"workers": 5000})
    with pytest.raises(ConfigError, match=r"^--colour: unknown setting"):
        load(tmp_path, overrides={"colour": "red"})


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml: settings file not found"):
        load_settings(tmp_path / "nope.yaml", env={}, overrides={}, cwd=tmp_path)


@pytest.mark.parametrize(
    "url",
    ["postgresql://cv:hunter2@127.0.0.1:notaport/cv", "mysql://cv:hunter2@127.0.0.1/cv", "hunter2"],
)
def test_database_url_password_never_in_errors(tmp_path: Path, url: str) -> None:
    for env, text in (({"DATABASE_URL": url}, None), ({}, f"database_url: '{url}'\n")):
        with pytest.raises(ConfigError) as caught:
            load(tmp_path, text, env=env)
        assert "hunter2" not in str(caught.value)
        assert "database_url" in str(caught.value)


@pytest.mark.parametrize("written", ["~no-such-user-here/confvault.yaml", "~0"])
def test_unexpandable_home_in_config_location_is_a_config_error(
    tmp_path: Path, written: str
) -> None:
    with pytest.raises(ConfigError, match="CONFVAULT_CONFIG"):
        load_settings(None, env={"CONFVAULT_CONFIG": written}, overrides={}, cwd=tmp_path)


def test_platforms_dir_resolves_against_the_file_and_defaults_to_platforms(tmp_path: Path) -> None:
    (tmp_path / "confvault.yaml").write_text("platforms_dir: own-platforms\n")
    settings = load_settings(tmp_path / "confvault.yaml", env={}, overrides={}, cwd=tmp_path / "x")
    assert settings.platforms_dir == tmp_path / "own-platforms"
    default = load_settings(None, env={}, overrides={}, cwd=tmp_path / "x")
    assert default.platforms_dir == tmp_path / "x" / "platforms"
