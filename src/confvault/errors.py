"""The project's own exception types.

Every error a user can cause or meet carries an exit code and a one-line message that names the
file, host or field at fault. The CLI prints ``str(error)`` and exits with ``error.exit_code``;
nothing else ever reaches the user as a traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_DEVICES_FAILED = 1
EXIT_USAGE = 2
EXIT_CANNOT_RUN = 3


class ConfvaultError(Exception):
    """Base class: a problem explained in one line."""

    exit_code: int = EXIT_CANNOT_RUN

    def __str__(self) -> str:
        # One line whatever went in: a path, a value or a device's text may hold line breaks.
        return " ".join(super().__str__().split())


class ConfigError(ConfvaultError):
    """Bad settings file, environment variable or command-line value (exit 2)."""

    exit_code = EXIT_USAGE


class InventoryError(ConfigError):
    """Bad inventory: names the file, host and field (exit 2)."""


class UnknownPlatformError(InventoryError):
    """A platform name that no platform module declares."""


class RepoError(ConfvaultError):
    """The archive repository cannot be used (exit 3)."""


class DatabaseError(ConfvaultError):
    """The database cannot be reached or used (exit 3). Messages never show passwords."""


class LockError(ConfvaultError):
    """Another run holds the archive (exit 3)."""
