"""The netmiko options an inventory may set under ``connection_options.netmiko.extras``.

Three kinds, each a table: options passed through to netmiko as written (checked for type),
credentials (resolved like a password and kept as ``Secret``), and options confvault owns or that
are unsafe, each refused with its reason. Anything else is an unknown option.
"""

from __future__ import annotations

import codecs
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from confvault.inventory.yaml_loader import shorten

Checker = Callable[[object], object]


def _flag(value: object) -> object:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {shorten(value)}")
    return value


def _seconds(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number of seconds, got {shorten(value)}")
    if not (math.isfinite(value) and 0 < value <= 3600):
        raise ValueError(f"expected a number of seconds above 0 and at most 3600, got {value}")
    return float(value)


def _factor(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {shorten(value)}")
    if not (math.isfinite(value) and 0 < value <= 100):
        raise ValueError(f"expected a number above 0 and at most 100, got {value}")
    return float(value)


def _keepalive(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3600:
        raise ValueError(f"expected whole seconds 0..3600 (0 = off), got {shorten(value)}")
    return value


def _port(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise ValueError(f"expected a TCP port 1..65535, got {shorten(value)}")
    return value


def _encoding(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(f"expected a text encoding name, got {shorten(value)}")
    try:
        codecs.lookup(value)
    except LookupError:
        raise ValueError(f"unknown text encoding {shorten(value)}") from None
    return value


def _algorithms(value: object) -> object:
    """paramiko's ``disabled_algorithms``: ``{ciphers: [...], kex: [...], keys: [...], ...}``."""
    if not isinstance(value, Mapping):
        raise ValueError("expected a mapping of algorithm kinds to lists of names")
    result: dict[str, list[str]] = {}
    for kind, names in value.items():
        if kind not in ALGORITHM_KINDS:
            raise ValueError(
                f"unknown algorithm kind {shorten(kind)} ({', '.join(ALGORITHM_KINDS)})"
            )
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ValueError(f"{kind}: expected a list of algorithm names")
        result[str(kind)] = list(names)
    return result


def path_checker(folder: Path, *, must_exist: bool) -> Checker:
    """A file path, relative to the inventory file's folder; ``~`` is the user's home."""

    def check(value: object) -> object:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"expected a file path, got {shorten(value)}")
        path = Path(value).expanduser()
        if not path.is_absolute():
            path = folder / path
        if must_exist and not path.is_file():
            raise ValueError(f"file {value} not found")
        return str(path)

    return check


JUMP_KEYS: Final = (
    "hostname", "port", "username", "password", "key_file", "passphrase", "use_keys", "allow_agent"
)  # fmt: skip


def jump_checker(
    credential: Checker, username: Checker, hostname: Checker, folder: Path
) -> Checker:
    """``jump_host: {hostname, port, username, password | key_file [+ passphrase], ...}``."""
    checks: dict[str, Checker] = {
        "hostname": hostname,
        "port": _port,
        "username": username,
        "password": credential,
        "passphrase": credential,
        "key_file": path_checker(folder, must_exist=True),
        "use_keys": _flag,
        "allow_agent": _flag,
    }

    def check(value: object) -> object:
        if not isinstance(value, Mapping):
            raise ValueError("expected a mapping (hostname, port, username, password or key_file)")
        result: dict[str, object] = {"port": 22}
        for key, item in value.items():
            if key not in checks:
                raise ValueError(f"unknown key {shorten(key)} ({', '.join(JUMP_KEYS)})")
            if item is not None:
                try:
                    result[str(key)] = checks[key](item)
                except ValueError as exc:
                    raise ValueError(f"{key}: {exc}") from None
        for required in ("hostname", "username"):
            if required not in result:
                raise ValueError(f"{required}: missing")
        return result

    return check


ALGORITHM_KINDS: Final = ("ciphers", "macs", "keys", "kex", "pubkeys")

# Passed to netmiko as written, once the value has the type netmiko expects.
PASS_THROUGH: Final[Mapping[str, Checker]] = {
    "use_keys": _flag,
    "allow_agent": _flag,
    "fast_cli": _flag,
    "global_cmd_verify": _flag,
    "disable_sha2_fix": _flag,
    "conn_timeout": _seconds,
    "auth_timeout": _seconds,
    "banner_timeout": _seconds,
    "blocking_timeout": _seconds,
    "global_delay_factor": _factor,
    "keepalive": _keepalive,
    "encoding": _encoding,
    "port": _port,
    "disabled_algorithms": _algorithms,
    "ssh_strict": _flag,  # with system_host_keys/alt_host_keys: netmiko's known_hosts check
    "system_host_keys": _flag,
    "alt_host_keys": _flag,
}
# File paths: checked here, made absolute (relative to the file that names them).
PATHS: Final[Mapping[str, bool]] = {
    "key_file": True,
    "alt_key_file": False,
}  # name -> must exist at load time
# Resolved like a password (``${ENV}``, ``${file:...}`` or literal) and kept as ``Secret``.
CREDENTIALS: Final = ("secret", "passphrase")

_OWNED_SOCKET = "confvault opens the TCP socket itself (with its deadline watchdog)"
# Refused, each with the reason shown to the operator.
REFUSED: Final[Mapping[str, str]] = {
    "sock": _OWNED_SOCKET,
    "auto_connect": "confvault logs in itself, then runs the platform's dialogue",
    "session_log": "a raw session log would hold secrets; confvault writes its own, masked",
    "session_log_record_writes": "session logs are confvault's (see session_log)",
    "session_log_file_mode": "session logs are confvault's (see session_log)",
    "verbose": "netmiko prints to stdout, which is confvault's report",
    "allow_auto_change": "confvault's sessions never change a device's configuration",
    "read_timeout_override": "confvault bounds every read by the device's deadline (timeout)",
    "session_timeout": "confvault sets it from the run's timeout setting",
    "pkey": "a key object cannot be written in YAML; use key_file (and passphrase)",
    "host": "set hostname on the host (nornir passes it to netmiko)",
    "ip": "set hostname on the host (nornir passes it to netmiko)",
    "username": "set username on the host, a group or defaults",
    "password": "set password on the host, a group or defaults (a reference)",
    "device_type": "set platform on the host, a group or defaults",
    "ssh_config_file": f"{_OWNED_SOCKET}, so netmiko would not use it",
}


# confvault's own options: used by the runner, never handed to netmiko.
def _transport(value: object) -> object:
    if value not in ("ssh", "telnet"):
        raise ValueError(f"expected ssh or telnet, got {shorten(value)}")
    return value


OURS: Final = ("jump_host", "legacy_algorithms", "transport")
OWN_FLAGS: Final[Mapping[str, Checker]] = {"legacy_algorithms": _flag, "transport": _transport}
KNOWN: Final = (*PASS_THROUGH, *PATHS, *CREDENTIALS, *REFUSED, *OURS)
