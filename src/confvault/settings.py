"""Run settings: command-line flags > environment > ``confvault.yaml`` > defaults.

Everything is checked up front, and each bad value is reported on one line naming where it came
from (``confvault.yaml:7``, ``environment variable BACKUP_MAX_WORKERS`` or ``--workers``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from confvault.errors import ConfigError
from confvault.inventory.yaml_loader import YamlMap, read_yaml_file, shorten
from confvault.urls import redact_url

CONFIG_ENV = "CONFVAULT_CONFIG"
DEFAULT_CONFIG_NAME = "confvault.yaml"

# Environment variable -> setting; the names operators of the previous system already use.
ENV_NAMES: Mapping[str, str] = {
    "BACKUP_MAX_WORKERS": "workers",
    "BACKUP_TIMEOUT": "timeout",
    "BACKUP_RAMP_UP": "ramp_up",
    "DATABASE_URL": "database_url",
    "DB_POOL_SIZE": "db_pool_size",
    "DB_MAX_OVERFLOW": "db_max_overflow",
    "DB_POOL_TIMEOUT": "db_pool_timeout",
}

_SUPPORTED_DB_SCHEMES = ("sqlite", "postgresql")
_PATH_KEYS = ("nornir_config", "archive_path", "data_dir", "session_log_dir", "platforms_dir")


@dataclass(frozen=True, slots=True)
class Settings:
    project_dir: Path
    config_file: Path | None
    nornir_config: Path
    archive_path: Path
    database_url: str = field(repr=False)  # may hold a password; see ``database_url_redacted``
    data_dir: Path
    platforms_dir: Path  # the project's own platforms, one <name>.yaml each (may not exist)
    workers: int = 50
    timeout: float = 60.0  # per device, seconds
    ramp_up: float = 1.0  # the first `workers` logins are spread over this many seconds
    retries: int = 2
    stale_hours: float = 24.0
    mask_secrets: bool = False
    session_log_dir: Path | None = None  # the raw session of each device, secrets masked
    author_name: str = "confvault"
    author_email: str = "confvault@localhost"
    db_pool_size: int = 5
    db_max_overflow: int = 5
    db_pool_timeout: float = 30.0
    host_keys: str = "accept-new"  # one of HOST_KEY_MODES
    ssh_config: Path | None = None  # the user's ssh_config, opt-in (`true` = ~/.ssh/config)

    @property
    def database_url_redacted(self) -> str:
        return redact_url(self.database_url)

    @property
    def known_hosts_file(self) -> Path:
        """Device host keys, confvault's own (never the user's ~/.ssh/known_hosts)."""
        return self.data_dir / "known_hosts"


# --- value checkers: each returns the clean value or raises ValueError with what was expected ---


def _integer(low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"expected an integer {low}..{high}")
        return value

    return check


def _seconds(high: float, *, allow_zero: bool = False) -> Callable[[object], float]:
    expected = (
        f"expected a number of seconds {'from' if allow_zero else 'above'} 0 and at most {high:g}"
    )

    def check(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(expected)
        number = float(value)
        low_ok = number >= 0 if allow_zero else number > 0
        if not math.isfinite(number) or not low_ok or number > high:
            raise ValueError(expected)
        return number

    return check


def _hours(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expected a number of hours above 0")
    number = float(value)
    if not math.isfinite(number) or not 0 < number <= 24 * 366 * 10:
        raise ValueError("expected a number of hours above 0")
    return number


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


HOST_KEY_MODES = ("strict", "accept-new", "off")


def _host_keys(value: object) -> str:
    if value is False:
        return "off"  # YAML reads an unquoted `off` as false
    if value not in HOST_KEY_MODES:
        raise ValueError("expected strict, accept-new or off")
    return str(value)


def _ssh_config(value: object) -> Path | None:
    if value is False:
        return None
    if value is True:
        return Path("~/.ssh/config").expanduser()
    return _path(value)


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or any(c in value for c in "\n\r\0<>"):
        raise ValueError("expected a non-empty single-line text")
    return value.strip()


def _path(value: object) -> Path:
    if isinstance(value, Path):
        value = str(value)
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise ValueError("expected a path")
    try:
        return Path(value.strip()).expanduser()
    except RuntimeError:  # "~user" unknown, or "~" with no home directory
        raise ValueError(f"cannot expand {value.strip()!r}: unknown home directory") from None


def _database_url(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or any(c in value for c in "\n\r\0"):
        raise ValueError("expected a database URL such as postgresql://user@host/db")
    url = value.strip()
    scheme = url.split("://", 1)[0] if "://" in url else ""
    dialect = scheme.split("+", 1)[0]
    if dialect not in _SUPPORTED_DB_SCHEMES:
        shown = repr(scheme) if scheme else "none"
        raise ValueError(
            f"expected a URL starting with sqlite:// or postgresql://, got scheme {shown}"
        )
    from confvault.db.engine import check_url  # only when a URL is given: keeps startup light

    check_url(url)
    return url


_CHECKERS: Mapping[str, Callable[[object], object]] = {
    "nornir_config": _path,
    "archive_path": _path,
    "data_dir": _path,
    "database_url": _database_url,
    "workers": _integer(1, 1000),
    "timeout": _seconds(86400.0),
    "ramp_up": _seconds(3600.0, allow_zero=True),
    "retries": _integer(0, 10),
    "stale_hours": _hours,
    "mask_secrets": _flag,
    "session_log_dir": _path,
    "platforms_dir": _path,
    "author_name": _text,
    "author_email": _text,
    "db_pool_size": _integer(1, 1000),
    "db_max_overflow": _integer(0, 1000),
    "db_pool_timeout": _seconds(3600.0),
    "host_keys": _host_keys,
    "ssh_config": _ssh_config,
}
SETTING_NAMES: tuple[str, ...] = tuple(_CHECKERS)


def _absolute(path: Path, base: Path) -> Path:
    return path if path.is_absolute() else base / path


def _absolute_sqlite(url: str, base: Path) -> str:
    """Make a relative SQLite file path absolute, so a later ``chdir`` never moves the database."""
    match = re.fullmatch(r"(sqlite(?:\+\w+)?:///)([^/].*)", url)
    if match is None or match.group(2).startswith(":memory:") or match.group(2).startswith("file:"):
        return url
    return match.group(1) + str(base / match.group(2))


def _check(name: str, value: object, where: str, *, secret: bool = False) -> object:
    try:
        return _CHECKERS[name](value)
    except ValueError as exc:
        got = "" if secret else f", got {shorten(value)}"
        raise ConfigError(f"{where}: {name}: {exc}{got}") from None


def _expand(path: Path, where: str) -> Path:
    try:
        return path.expanduser()
    except RuntimeError:  # "~user" unknown, or "~" with no home directory
        raise ConfigError(f"{where}: cannot expand {str(path)!r}: unknown home directory") from None


def _locate_config(
    config_file: Path | None, env: Mapping[str, str], cwd: Path
) -> tuple[Path, str] | None:
    """The settings file and its name as the user gave it (messages quote what they typed)."""
    if config_file is not None:
        located = _absolute(_expand(config_file, str(config_file)), cwd)
        if not located.is_file():
            raise ConfigError(f"{config_file}: settings file not found")
        return located, str(config_file)
    from_env = env.get(CONFIG_ENV, "").strip()
    if from_env:
        where = f"environment variable {CONFIG_ENV}"
        located = _absolute(_expand(Path(from_env), where), cwd)
        if not located.is_file():
            raise ConfigError(f"environment variable {CONFIG_ENV}: {from_env}: file not found")
        return located, from_env
    default = cwd / DEFAULT_CONFIG_NAME
    return (default, DEFAULT_CONFIG_NAME) if default.is_file() else None


def _from_file(path: Path, where: str) -> dict[str, object]:
    document = read_yaml_file(path, where)
    if document is None:
        return {}  # an empty or all-comments file means "all defaults"
    if not isinstance(document, YamlMap):
        raise ConfigError(f"{where}: expected a mapping of settings, got {type(document).__name__}")
    values: dict[str, object] = {}
    for key, raw in document.items():
        at = f"{where}:{document.line_of(key)}"
        if not isinstance(key, str) or key not in _CHECKERS:
            known = ", ".join(SETTING_NAMES)
            raise ConfigError(f"{at}: unknown setting {shorten(key)} (known: {known})")
        if raw is None:
            continue  # `workers:` with no value keeps the default
        values[key] = _check(key, raw, at, secret=key == "database_url")
        if key in _PATH_KEYS or (key == "ssh_config" and values[key] is not None):
            values[key] = _absolute(_path(values[key]), path.parent)
        elif key == "database_url":
            values[key] = _absolute_sqlite(str(values[key]), path.parent)
    return values


def _env_number(raw: str) -> object:
    """Environment variables are text: read "50" as 50 and "7.5" as 7.5, leave the rest as is."""
    text = raw.strip()
    if re.fullmatch(r"[+-]?\d{1,12}", text):
        return int(text)
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?", text):
        return float(text)
    return raw


def _from_env(env: Mapping[str, str], cwd: Path) -> dict[str, object]:
    values: dict[str, object] = {}
    for variable, name in ENV_NAMES.items():
        raw = env.get(variable)
        if raw is None or not raw.strip():
            continue  # `VAR=` in a cron file or compose file means "not set"
        where = f"environment variable {variable}"
        value = raw if name == "database_url" else _env_number(raw)
        values[name] = _check(name, value, where, secret=name == "database_url")
        if name == "database_url":
            values[name] = _absolute_sqlite(str(values[name]), cwd)
    return values


def _from_flags(overrides: Mapping[str, object], cwd: Path) -> dict[str, object]:
    values: dict[str, object] = {}
    for name, raw in overrides.items():
        flag = "--" + name.replace("_", "-")
        if name not in _CHECKERS:
            raise ConfigError(f"{flag}: unknown setting")
        if raw is None:
            continue  # click passes None for a flag that was not given
        values[name] = _check(name, raw, flag, secret=name == "database_url")
        if name in _PATH_KEYS or (name == "ssh_config" and values[name] is not None):
            values[name] = _absolute(_path(values[name]), cwd)
        elif name == "database_url":
            values[name] = _absolute_sqlite(str(values[name]), cwd)
    return values


def load_settings(
    config_file: Path | None,
    *,
    env: Mapping[str, str],
    overrides: Mapping[str, object],
    cwd: Path | None = None,
) -> Settings:
    """Merge defaults, the settings file, the environment and flags (later wins), all checked.

    ``config_file`` None means ``$CONFVAULT_CONFIG``, else ``./confvault.yaml`` when it exists,
    else defaults only. Relative paths in the file resolve against the file's folder.
    """
    cwd = (cwd or Path.cwd()).absolute()
    found = _locate_config(config_file, env, cwd)
    located = found[0] if found is not None else None
    project_dir = located.parent if located is not None else cwd
    merged: dict[str, Any] = {}
    if found is not None:
        merged.update(_from_file(*found))
    merged.update(_from_env(env, cwd))
    merged.update(_from_flags(overrides, cwd))

    data_dir = merged.pop("data_dir", project_dir / "data")
    database_url = merged.pop("database_url", f"sqlite:///{data_dir / 'confvault.db'}")
    return Settings(
        project_dir=project_dir,
        config_file=located,
        nornir_config=merged.pop("nornir_config", project_dir / "nornir.yaml"),
        archive_path=merged.pop("archive_path", project_dir / "archive"),
        database_url=database_url,
        data_dir=data_dir,
        platforms_dir=merged.pop("platforms_dir", project_dir / "platforms"),
        **merged,
    )
