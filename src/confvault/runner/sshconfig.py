"""The user's ssh_config, opt-in (the ``ssh_config`` setting), read with paramiko's SSHConfig.

Used per device, looked up by the inventory's hostname: HostName, Port (when the inventory leaves
the default 22), ProxyJump (one hop), ProxyCommand, IdentityFile and HostKeyAlias. The inventory
wins where it says something itself: its own jump_host, key_file, or a port other than 22.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import paramiko

from confvault.models import Device


@dataclass(frozen=True, slots=True)
class SshConfigEntry:
    hostname: str
    port: int
    jump: Mapping[str, object] | None = None  # in the inventory's jump_host form
    proxy_command: str | None = None
    identity_files: tuple[str, ...] = ()
    host_key_alias: str | None = None


_CACHE: dict[Path, tuple[tuple[int, int], paramiko.SSHConfig]] = {}
_CACHE_LOCK = threading.Lock()


def _config(path: Path) -> paramiko.SSHConfig:
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _CACHE_LOCK:
        cached = _CACHE.get(path)
        if cached is None or cached[0] != stamp:
            cached = (stamp, paramiko.SSHConfig.from_path(str(path)))
            _CACHE[path] = cached
        return cached[1]


def _jump(spec: str, config: paramiko.SSHConfig, device: Device) -> Mapping[str, object]:
    first = spec.split(",")[0].strip()  # the first hop; further hops are not followed
    user, _, rest = first.rpartition("@")
    host, _, port = rest.partition(":")
    entry = config.lookup(host)
    identity = tuple(entry.get("identityfile", ()))
    jump: dict[str, object] = {
        "hostname": entry.get("hostname", host),
        "port": int(port or entry.get("port", 22)),
        "username": user or entry.get("user", device.username),
        "use_keys": True,
        "allow_agent": True,
    }
    existing = [f for f in identity if Path(f).is_file()]
    if existing:
        jump["key_file"] = existing[0]
    return jump


def lookup(device: Device, path: Path) -> SshConfigEntry:
    """How ssh_config says to reach this device."""
    entry = _config(path).lookup(device.hostname)
    port = device.port if device.port != 22 else int(entry.get("port", 22))
    jump = None
    proxy_command = None
    proxy_jump = entry.get("proxyjump", "none")
    if proxy_jump.lower() != "none":
        jump = _jump(proxy_jump, _config(path), device)
    elif entry.get("proxycommand", "none").lower() != "none":
        proxy_command = entry["proxycommand"]  # paramiko expands %h, %p, %r
    return SshConfigEntry(
        hostname=entry.get("hostname", device.hostname),
        port=port,
        jump=jump,
        proxy_command=proxy_command,
        identity_files=tuple(f for f in entry.get("identityfile", ()) if Path(f).is_file()),
        host_key_alias=entry.get("hostkeyalias"),
    )


class ProxyCommandStream:
    """A ProxyCommand's stdin/stdout as one end of a socket pair: a real socket that the
    deadline watchdog can shut (the command then sees end of file and exits)."""

    def __init__(self, command: str) -> None:
        self.sock, theirs = socket.socketpair()
        try:
            # the user's own ssh_config command, run as OpenSSH runs it: by the shell, exec'd
            self._process = subprocess.Popen(
                ["/bin/sh", "-c", f"exec {command}"],
                stdin=theirs.fileno(),
                stdout=theirs.fileno(),
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self.sock.close()
            raise
        finally:
            theirs.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        if self._process.poll() is None:
            self._process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=5)
