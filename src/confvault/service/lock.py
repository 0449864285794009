"""One run at a time per archive, and who may be declared dead.

An ``flock`` on a file inside the archive's ``.git`` folder: the kernel drops it when the holder
dies, so a lock left by a killed process is taken over without guessing about stale PIDs. The
file also records who holds it, for the message the second run prints.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

from confvault.db.records import RunningRun
from confvault.errors import LockError

LOCK_NAME = "confvault-run.lock"
# A report command probing the lock holds it (shared) for microseconds: a run meeting that
# probe looks again before calling the archive busy.
PROBE_RETRIES_S = (0.02, 0.05)
# /proc start times are in clock ticks; a process started within this of the run is its own.
START_TIME_SLACK = timedelta(seconds=2)


class RunLock:
    def __init__(self, git_dir: Path) -> None:
        self.path = git_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise LockError(f"cannot take the run lock {self.path}: {error.strerror}") from None
        try:
            self._lock_or_refuse(fd)
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            os.ftruncate(fd, 0)
            os.pwrite(
                fd, f"pid {os.getpid()} on {socket.gethostname()} since {stamp}\n".encode(), 0
            )
        except OSError as error:  # a full or read-only disk: one line, exit 3
            os.close(fd)
            raise LockError(f"cannot take the run lock {self.path}: {error.strerror}") from None
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def _lock_or_refuse(self, fd: int) -> None:
        for delay in (*PROBE_RETRIES_S, None):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if delay is None:
                    break
                time.sleep(delay)
        holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "another process"
        raise LockError(f"another confvault run holds {self.path}: {holder}")

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):  # the holder text is a courtesy; close unlocks
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


def lock_is_free(git_dir: Path) -> bool | None:
    """Whether nobody holds the archive's run lock, read-only: None when the file cannot be
    opened (then only the PID can tell)."""
    try:
        fd = os.open(git_dir / LOCK_NAME, os.O_RDONLY)
    except FileNotFoundError:
        return True  # never locked here
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        return None
    finally:
        os.close(fd)  # closing drops the probe's shared lock at once
    return True


def process_alive(pid: int, started_at: datetime) -> bool:
    """Whether the process that started a run at ``started_at`` may still be running.

    A PID is reused by other processes: on Linux, one that started after the run did is not
    the run's.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    except OSError:
        return True
    process_start = _process_start(pid)
    return process_start is None or process_start <= started_at + START_TIME_SLACK


def _process_start(pid: int) -> datetime | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        # the command name (field 2) may hold spaces; the fields after it are plain numbers
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"), UTC)


class RunLiveness:
    """For runs the database still calls "running", decided by a run that holds ``archive_id``'s
    lock: a run of this archive on this host is dead (the lock proves it, whatever its PID); a
    run of another archive on this host is alive while its process is; a run recorded by
    another host cannot be checked from here and is left alone. A run recorded before runs
    knew their archive counts as this archive's, the rule of that time."""

    def __init__(self, archive_id: str) -> None:
        self._archive_id = archive_id
        self._hostname = socket.gethostname()

    def __call__(self, run: RunningRun) -> bool:
        if run.hostname != self._hostname:
            return True
        if run.archive_id is None or run.archive_id == self._archive_id:
            return False
        return process_alive(run.pid, run.started_at)
