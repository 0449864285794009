"""A private PostgreSQL cluster (initdb + pg_ctl in a temp dir) the soak stops and starts itself.

Loopback only, trust authentication, fsync off: a throwaway server, never a real one.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import closing
from pathlib import Path

PG_TIMEOUT_S = 120.0


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres_user(*command: str) -> list[str]:
    """initdb refuses to run as root: the server tools run as the postgres OS user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


def server_binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


class PrivateCluster:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.workdir = Path(tempfile.mkdtemp(prefix="confvault-soak-pg-"))
        self.datadir = self.workdir / "data"
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
            self.workdir.chmod(0o700)
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/confvault_soak"
        initdb = [str(bindir / "initdb"), "-D", str(self.datadir), "-U", "postgres"]
        subprocess.run(
            _as_postgres_user(*initdb, "--auth=trust", "-E", "UTF8"),
            check=True,
            capture_output=True,
            timeout=PG_TIMEOUT_S,
        )

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        subprocess.run(
            _as_postgres_user(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), *args),
            check=check,
            capture_output=True,
            timeout=PG_TIMEOUT_S,
        )

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.workdir} -c fsync=off"
        self._pg_ctl("-o", options, "-l", str(self.workdir / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "-w", "stop", check=False)

    def create_database(self) -> None:
        psql = self.bindir / "psql"
        subprocess.run(
            [str(psql), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d",
             "postgres", "-c", "CREATE DATABASE confvault_soak"],
            check=True, capture_output=True, timeout=PG_TIMEOUT_S,
        )  # fmt: skip

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)
