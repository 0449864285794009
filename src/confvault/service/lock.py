"""One run at a time per archive.

An ``flock`` on a file inside the archive's ``.git`` folder: the kernel drops it when the holder
dies, so a lock left by a killed process is taken over without guessing about stale PIDs. The
file also records who holds it, for the message the second run prints.
"""

from __future__ import annotations

import fcntl
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from confvault.errors import LockError

LOCK_NAME = "confvault-run.lock"


class RunLock:
    def __init__(self, git_dir: Path) -> None:
        self.path = git_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise LockError(f"another confvault run holds {self.path}: {holder}") from None
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {stamp}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def other_host_run_alive(hostname: str, pid: int) -> bool:
    """For runs the database still calls "running", while this process holds the lock.

    Holding the archive's lock proves no other run on this host is alive, whatever its PID (PIDs get
    reused). A run recorded by another host cannot be checked from here, so it is left alone.
    """
    del pid
    return hostname != socket.gethostname()
