"""The lab's Python API: run it in a background thread or in a subprocess, and drive it.

Both modes share the lab directory: faults and replacement configurations are files there, so the
same calls work whether the server runs in this process or in another one.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

from confvault_lab import configgen
from confvault_lab.device import LabDevice
from confvault_lab.errors import LabError
from confvault_lab.inventory import credentials_env, write_inventory
from confvault_lab.labdir import LabDir
from confvault_lab.server import POLL_INTERVAL_S, LabServer, LabStats
from confvault_lab.spec import LabSpec, check_fault, spec_from_json, spec_to_json

START_TIMEOUT_S = 120.0


class Lab:
    """A running set of simulated devices. Use as a context manager or call start/stop."""

    def __init__(
        self,
        spec: LabSpec,
        lab_dir: Path,
        *,
        inventory_dir: Path | None = None,
        in_subprocess: bool = False,
    ) -> None:
        self.spec = spec
        self.lab_dir = LabDir(lab_dir)
        self.inventory_dir = inventory_dir
        self.in_subprocess = in_subprocess
        self._specs = {d.name: d for d in spec.devices}
        self._devices: list[LabDevice] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: LabServer | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self.start_seconds = 0.0

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> Lab:
        began = time.monotonic()
        if self.in_subprocess:
            self._start_subprocess()
        else:
            self._start_thread()
        self.start_seconds = time.monotonic() - began
        if self.inventory_dir is not None:
            write_inventory(self.spec, self._devices, self.inventory_dir)
        return self

    def _start_thread(self) -> None:
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="confvault-lab", daemon=True)
        thread.start()
        server = LabServer(self.spec, self.lab_dir)
        try:
            asyncio.run_coroutine_threadsafe(server.start(), loop).result(START_TIMEOUT_S)
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()
            raise
        self._loop, self._thread, self._server = loop, thread, server
        self._devices = server.devices

    def _start_subprocess(self) -> None:
        spec_file = self.lab_dir.root / "spec.json"
        self.lab_dir.write_json(spec_file, spec_to_json(self.spec))
        self.lab_dir.devices_file.unlink(missing_ok=True)
        log_path = self.lab_dir.root / "lab.log"
        command = [sys.executable, "-m", "confvault_lab", "serve"]
        command += ["--spec-json", str(spec_file), "--lab-dir", str(self.lab_dir.root)]
        with log_path.open("wb") as log_file:
            self._process = subprocess.Popen(
                command, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while (devices := self.lab_dir.read_json(self.lab_dir.devices_file)) is None:
            if self._process.poll() is not None:
                lines = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
                raise LabError(f"lab subprocess exited: {lines[-1] if lines else 'no output'}")
            if time.monotonic() > deadline:
                self.stop()
                raise LabError(f"lab subprocess not listening after {START_TIMEOUT_S:.0f} s")
            time.sleep(0.02)
        self._devices = [LabDevice(**d) for d in devices]

    def stop(self) -> None:
        if self._server is not None and self._loop is not None and self._thread is not None:
            asyncio.run_coroutine_threadsafe(self._server.stop(), self._loop).result(30)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()
            self._server = self._loop = self._thread = None
        if self._process is not None:
            if self._process.poll() is None:
                self._process.send_signal(signal.SIGTERM)
                try:
                    self._process.wait(10)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
            self._process = None

    def __enter__(self) -> Lab:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what is running -----------------------------------------------------------------------

    @classmethod
    def attach(cls, lab_dir: Path) -> Lab:
        """A handle on a lab already serving from ``lab_dir`` (``lab start --background``).

        Faults and configurations are files the server re-reads, so this handle can change them.
        """
        try:
            raw = json.loads((lab_dir / "spec.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise LabError(
                f"{lab_dir}: no lab here (no readable spec.json); run `confvault lab start`"
            ) from None
        lab = cls(spec_from_json(raw), lab_dir)
        lab._devices = load_devices(lab_dir)
        return lab

    @property
    def pid(self) -> int:
        """The process serving the devices: a subprocess lab's own, else this process."""
        return self._process.pid if self._process is not None else os.getpid()

    @property
    def devices(self) -> list[LabDevice]:
        return list(self._devices)

    def device(self, name: str) -> LabDevice:
        for device in self._devices:
            if device.name == name:
                return device
        raise LabError(f"no lab device named {name!r}")

    def credentials_env(self) -> dict[str, str]:
        return credentials_env(self.spec)

    def stats(self) -> LabStats:
        if self._server is not None:
            return self._server.stats()
        data = self.lab_dir.read_json(self.lab_dir.stats_file)
        return LabStats(**data) if data else LabStats()

    # -- driving it ----------------------------------------------------------------------------

    def _known(self, name: str) -> str:
        if name not in self._specs:
            raise LabError(f"no lab device named {name!r}")
        return name

    def set_fault(self, name: str, fault: str | None) -> None:
        if fault is not None:
            check_fault(fault, f"set_fault({name!r})")
        self.lab_dir.set_fault(self._known(name), fault)
        if self._server is not None and self._loop is not None:
            asyncio.run_coroutine_threadsafe(self._server.apply_now(), self._loop).result(30)
        elif self._process is not None:
            time.sleep(POLL_INTERVAL_S * 2.5)  # listeners open/close on the server's next poll

    def config_body(self, name: str) -> str:
        """The body the device serves now (its replacement file, else the generated one)."""
        spec = self._specs[self._known(name)]
        current = self.lab_dir.read_config(name)
        return (
            current
            if current is not None
            else configgen.generate_body(spec.platform, name, spec.size)
        )

    def set_config(self, name: str, text: str) -> None:
        self.lab_dir.write_config(self._known(name), text)

    def mutate(self, name: str) -> str:
        """Apply the next realistic edit to the device's configuration; returns the new body."""
        body = configgen.mutate_body(
            self._specs[self._known(name)].platform,
            self.config_body(name),
            self.lab_dir.next_edit_number(name),
        )
        self.lab_dir.write_config(name, body)
        return body

    def reset_config(self, name: str) -> None:
        self.lab_dir.reset_config(self._known(name))


def read_pid(lab_dir: Path) -> int | None:
    try:
        return int((lab_dir / "lab.pid").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def write_pid(lab_dir: Path) -> None:
    (lab_dir / "lab.pid").write_text(str(os.getpid()), encoding="utf-8")


def load_devices(lab_dir: Path) -> list[LabDevice]:
    try:
        data = json.loads((lab_dir / "devices.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    return [LabDevice(**d) for d in data]
