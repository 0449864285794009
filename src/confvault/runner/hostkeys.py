"""Device host keys: confvault's own known_hosts file, checked on every SSH login.

Modes (the ``host_keys`` setting): ``strict`` logs in only to devices whose key is in the file;
``accept-new`` records a device's key the first time and refuses a changed one (OpenSSH's
``StrictHostKeyChecking accept-new``); ``off`` checks nothing (netmiko's default).

The file is read once per process and indexed by name, so a run over thousands of devices does
not re-read it per login (paramiko's ``HostKeys.lookup`` scans every entry); a change made by
another process (``confvault hostkey accept``) is seen by its size and modification time.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import socket
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import paramiko
from netmiko.exceptions import NetmikoTimeoutException
from paramiko.hostkeys import HostKeyEntry
from paramiko.pkey import PKey

from confvault.errors import ConfvaultError

MODES: Final = ("strict", "accept-new", "off")


def known_name(hostname: str, port: int) -> str:
    """The name a device has in known_hosts, as OpenSSH and paramiko write it."""
    return hostname if port == 22 else f"[{hostname}]:{port}"


class KnownHosts:
    """One known_hosts file, shared by every login of the process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | str | None = "unread"
        self._keys: dict[str, list[PKey]] = {}

    def _stat(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def _refresh(self) -> None:
        stamp = self._stat()
        if stamp == self._stamp:
            return
        keys: dict[str, list[PKey]] = {}
        for entry in self._entries():
            for name in entry.hostnames:
                keys.setdefault(name, []).append(entry.key)
        self._keys, self._stamp = keys, stamp

    def _entries(self) -> list[HostKeyEntry]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        entries = []
        for line in lines:
            if line.strip() and not line.lstrip().startswith("#"):
                with contextlib.suppress(paramiko.SSHException, ValueError):
                    entry = HostKeyEntry.from_line(line)
                    if entry is not None:
                        entries.append(entry)
        return entries

    def keys_for(self, name: str) -> list[PKey]:
        with self._lock:
            self._refresh()
            return list(self._keys.get(name, ()))

    def remember(self, name: str, key: PKey) -> None:
        """Append one device's key (the first login of ``accept-new``)."""
        with self._lock:
            self._refresh()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(HostKeyEntry([name], key).to_line())
            self._keys.setdefault(name, []).append(key)
            self._stamp = self._stat()  # our own write is already in the index

    def replace(self, name: str, key: PKey) -> list[PKey]:
        """Make ``key`` the only key of ``name``; returns the keys it replaced."""
        with self._lock:
            entries = self._entries()
            kept = [e for e in entries if name not in e.hostnames]
            replaced = [e.key for e in entries if name in e.hostnames]
            text = "".join(e.to_line() for e in [*kept, HostKeyEntry([name], key)])
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".known_hosts.")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            Path(temporary).replace(self.path)
            self._stamp = "unread"
            return replaced


_OPEN: dict[Path, KnownHosts] = {}
_OPEN_LOCK = threading.Lock()


def known_hosts(path: Path) -> KnownHosts:
    with _OPEN_LOCK:
        return _OPEN.setdefault(path, KnownHosts(path))


class _Record(paramiko.MissingHostKeyPolicy):  # type: ignore[misc]  # paramiko: no hints
    def __init__(self, store: KnownHosts, name: str) -> None:
        self._store = store
        self._name = name  # the name in the file (a HostKeyAlias, or paramiko's own)

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: PKey) -> None:
        self._store.remember(self._name, key)


@dataclass(frozen=True, slots=True)
class HostKeyCheck:
    """What the connection does with a device's host key (the ``host_keys`` setting)."""

    mode: str = "off"
    file: Path | None = None
    alias: str | None = None  # ssh_config's HostKeyAlias: the device's name in the file

    def client(self, hostname: str, port: int) -> paramiko.SSHClient:
        """An SSH client that knows only this device's recorded keys (netmiko builds one too)."""
        client = paramiko.SSHClient()
        if self.mode == "off" or self.file is None:
            raise ValueError("host keys are not checked: netmiko builds its own client")
        store = known_hosts(self.file)
        name = self.alias or known_name(hostname, port)
        keys = client.get_host_keys()
        for key in store.keys_for(name):
            keys.add(known_name(hostname, port), key.get_name(), key)  # as paramiko looks it up
        policy = _Record(store, name) if self.mode == "accept-new" else paramiko.RejectPolicy()
        client.set_missing_host_key_policy(policy)
        return client


def fetch_host_key(sock: socket.socket, timeout: float) -> PKey:
    """The host key a device presents (key exchange only, no login)."""
    transport = paramiko.Transport(sock)
    try:
        transport.start_client(timeout=timeout)
        return transport.get_remote_server_key()
    finally:
        transport.close()


def accept_device_key(
    check: HostKeyCheck, hostname: str, port: int, platform: str, timeout: float
) -> tuple[str, str, list[str]]:
    """Trust the key the device presents now: (its known_hosts name, fingerprint, replaced)."""
    from confvault.runner.connection import open_tcp  # connection imports this module

    file = check.file
    if file is None:
        raise ValueError("no known_hosts file")
    try:
        sock = open_tcp(hostname, port, timeout, platform)
        try:
            key = fetch_host_key(sock, timeout)
        finally:
            sock.close()
    except (OSError, EOFError, paramiko.SSHException, NetmikoTimeoutException) as error:
        lines = str(error).strip().splitlines()
        reason = lines[0] if lines else type(error).__name__
        raise ConfvaultError(f"no host key read from {hostname}:{port} ({reason})") from None
    name = known_name(hostname, port)
    replaced = known_hosts(file).replace(name, key)
    return name, fingerprint(key), [fingerprint(k) for k in replaced]


def fingerprint(key: PKey) -> str:
    """OpenSSH's form, as ``ssh-keygen -l`` shows it."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")
