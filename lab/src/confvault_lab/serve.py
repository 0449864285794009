"""Run a lab in the foreground of this process until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Callable
from pathlib import Path

from confvault_lab.inventory import write_inventory
from confvault_lab.labdir import LabDir
from confvault_lab.server import LabServer
from confvault_lab.spec import LabSpec


async def _serve(
    spec: LabSpec,
    lab_dir: LabDir,
    inventory_dir: Path | None,
    on_ready: Callable[[LabServer, float], None],
) -> None:
    began = time.monotonic()
    server = LabServer(spec, lab_dir)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await server.start()
    try:
        if inventory_dir is not None:
            write_inventory(spec, server.devices, inventory_dir)
        on_ready(server, time.monotonic() - began)
        await stop.wait()
    finally:
        await server.stop()


def serve_forever(
    spec: LabSpec,
    lab_dir: Path,
    inventory_dir: Path | None = None,
    on_ready: Callable[[LabServer, float], None] = lambda server, seconds: None,
) -> None:
    directory = LabDir(lab_dir)
    (directory.root / "lab.pid").unlink(missing_ok=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(spec, directory, inventory_dir, on_ready))
