"""The lab directory: the files through which a lab in another process is driven.

Layout::

    <lab_dir>/host_key             one ed25519 key shared by every device (made once, then reused)
    <lab_dir>/faults/<name>        the device's current fault (one word); absent = healthy
    <lab_dir>/devices/<name>.cfg   replacement configuration body; absent = generated body
    <lab_dir>/devices/<name>.edits how many times ``mutate`` edited the device
    <lab_dir>/devices.json         the bound devices (written once listening)
    <lab_dir>/stats.json           sessions served and lab-side errors (refreshed while running)
    <lab_dir>/lab.pid              pid of a background lab

Writes go through a temporary file and ``os.replace`` so a reader never sees half a file and
every change also changes the directory's mtime (which the server polls).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import asyncssh

from confvault_lab.errors import LabError


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


class LabDir:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.faults = root / "faults"
        self.configs = root / "devices"
        try:
            self.faults.mkdir(parents=True, exist_ok=True)
            self.configs.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LabError(f"{root}: cannot create the lab directory ({error.strerror})") from None

    @property
    def devices_file(self) -> Path:
        return self.root / "devices.json"

    @property
    def stats_file(self) -> Path:
        return self.root / "stats.json"

    @property
    def pid_file(self) -> Path:
        return self.root / "lab.pid"

    def host_key(self) -> asyncssh.SSHKey:
        """Load the cached host key, or make one and cache it (parsing once for all devices)."""
        path = self.root / "host_key"
        if path.exists():
            try:
                return asyncssh.read_private_key(str(path))
            except (OSError, asyncssh.KeyImportError) as error:
                raise LabError(f"{path}: unreadable host key ({error}); delete it") from None
        key = asyncssh.generate_private_key("ssh-ed25519")
        key.write_private_key(str(path))
        path.chmod(0o600)
        return key

    # -- faults -------------------------------------------------------------------------------

    def set_fault(self, name: str, fault: str | None) -> None:
        path = self.faults / name
        if fault is None:
            path.unlink(missing_ok=True)
            # Touch the directory so pollers notice the removal even within one mtime tick.
            os.utime(self.faults)
        else:
            write_atomic(path, fault)

    def faults_mtime(self) -> int:
        return self.faults.stat().st_mtime_ns

    def read_faults(self) -> dict[str, str]:
        faults: dict[str, str] = {}
        for entry in os.scandir(self.faults):
            if entry.name.startswith("."):
                continue
            try:
                faults[entry.name] = Path(entry.path).read_text(encoding="utf-8").strip()
            except FileNotFoundError:
                continue  # removed while we listed
        return faults

    # -- configuration bodies ------------------------------------------------------------------

    def config_path(self, name: str) -> Path:
        return self.configs / f"{name}.cfg"

    def read_config(self, name: str) -> str | None:
        try:
            return self.config_path(name).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def write_config(self, name: str, text: str) -> None:
        write_atomic(self.config_path(name), text)

    def reset_config(self, name: str) -> None:
        self.config_path(name).unlink(missing_ok=True)
        (self.configs / f"{name}.edits").unlink(missing_ok=True)

    def next_edit_number(self, name: str) -> int:
        path = self.configs / f"{name}.edits"
        try:
            done = int(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            done = 0
        write_atomic(path, str(done + 1))
        return done + 1

    # -- status files --------------------------------------------------------------------------

    def write_json(self, path: Path, data: Any) -> None:
        write_atomic(path, json.dumps(data))

    def read_json(self, path: Path) -> Any:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
