"""Resolve credential references: ``${ENV_VAR}``, ``${file:path}`` or a literal value.

Problems are described by the reference (variable name, file path), never by the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_FILE_REFERENCE = re.compile(r"\$\{file:([^}\0]+)\}")
_MAX_SECRET_FILE = 64 * 1024  # a password file is small; a big one is the wrong file


class CredentialError(ValueError):
    """Why a credential reference cannot be resolved (safe to show: names no secret)."""


def resolve_credential(value: str, *, env: Mapping[str, str], folder: Path) -> str:
    """The credential text ``value`` stands for; file paths are relative to ``folder``."""
    if "${" not in value:
        return value
    env_match = _ENV_REFERENCE.fullmatch(value)
    if env_match is not None:
        name = env_match.group(1)
        resolved = env.get(name)
        if resolved is None:
            raise CredentialError(f"environment variable {name} is not set")
        if not resolved.strip():
            raise CredentialError(f"environment variable {name} is empty")
        return resolved
    file_match = _FILE_REFERENCE.fullmatch(value)
    if file_match is not None:
        return _read_secret_file(file_match.group(1).strip(), folder)
    # Neither form: say what is accepted without echoing the (possibly secret) text.
    raise CredentialError("a reference must be the whole value: ${ENV_VAR} or ${file:PATH}")


def _read_secret_file(written: str, folder: Path) -> str:
    path = Path(written).expanduser()
    if not path.is_absolute():
        path = folder / path
    try:
        with path.open("rb") as handle:
            raw = handle.read(_MAX_SECRET_FILE + 1)
    except FileNotFoundError:
        raise CredentialError(f"secret file {written} not found") from None
    except IsADirectoryError:
        raise CredentialError(f"secret file {written} is a directory") from None
    except OSError as exc:
        raise CredentialError(f"secret file {written}: cannot read: {exc.strerror}") from None
    if len(raw) > _MAX_SECRET_FILE:
        raise CredentialError(f"secret file {written} is larger than 64 KiB")
    try:
        text = raw.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise CredentialError(f"secret file {written} is not UTF-8 text") from None
    if not text:
        raise CredentialError(f"secret file {written} is empty")
    return text
