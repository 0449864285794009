"""Collected configurations go into Git's object store while the collection still runs.

A first run writes every device's configuration as a new blob; ``git hash-object -w`` spends
real time on that (zlib and one fsync per object), which used to come after the last device, on
the run's wall time (bench/README.md). A stager keeps one ``git hash-object -w --stdin-paths``
process open for the whole collection and hands it each changed file as its device finishes, so
git works on the other core while the workers wait for devices. Unchanged files (same blob id as
at HEAD) are never written.

Nothing here moves a branch: blobs no commit refers to are harmless, and git's gc removes them.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import IO, cast

from confvault.config_repo.gitcmd import GitError, GitRunner, blob_id, check_archive_path


@dataclass(frozen=True, slots=True)
class StagedFile:
    blob_id: str
    size: int
    temp: Path | None  # the bytes, to become the work-tree file; None when unchanged since HEAD


class BlobStager:
    """Stage texts as they arrive; :meth:`finish` waits until every new blob is stored.

    What is staged (and not discarded) is what :meth:`ConfigRepo.commit_staged` commits.
    """

    def __init__(self, runner: GitRunner, stage_dir: Path, previous: dict[str, str]) -> None:
        self._runner = runner
        self._stage_dir = stage_dir
        self.previous = previous  # archive path -> blob id at HEAD when staging began
        self._files: dict[str, StagedFile] = {}
        self._sent: list[str] = []  # blob ids in the order they went to git
        self._process: subprocess.Popen[bytes] | None = None
        self._stdin: IO[bytes] | None = None
        self._output: list[bytes] = []
        self._reader: threading.Thread | None = None
        self._error: str | None = None
        self._broken = False
        shutil.rmtree(stage_dir, ignore_errors=True)
        stage_dir.mkdir(parents=True)

    def add(self, path: str, text: str) -> StagedFile:
        """Stage one file (a second add of a path replaces the first); never raises for git
        trouble (reported by :meth:`finish`)."""
        data = text.encode("utf-8")
        oid = blob_id(data)
        temp = None
        if self.previous.get(check_archive_path(path)) != oid:
            temp = self._stage_dir / f"{len(self._sent):06d}"
            self._send(temp, data, oid)
        staged = StagedFile(oid, len(data), temp)
        self._files[path] = staged
        return staged

    def discard(self, path: str) -> None:
        """Leave a staged file out of the commit (e.g. held back by the shrink guard); its blob
        stays behind unreferenced, for git's gc."""
        self._files.pop(path, None)

    def __contains__(self, path: object) -> bool:
        return path in self._files

    @property
    def files(self) -> Mapping[str, StagedFile]:
        """Archive path -> what is staged for it, in staging order."""
        return MappingProxyType(self._files)

    def finish(self) -> None:
        """Wait for git; raise :class:`GitError` unless every staged blob is stored as expected."""
        if self._process is not None:
            if self._stdin is not None:
                with contextlib.suppress(OSError):  # git died: its exit code and stderr tell why
                    self._stdin.close()
                self._stdin = None
            status = self._process.wait()
            if self._reader is not None:
                self._reader.join()
            stderr = self._process.stderr
            said = stderr.read().decode("utf-8", errors="replace") if stderr is not None else ""
            for pipe in (self._process.stdout, stderr):
                if pipe is not None:
                    pipe.close()
            reason = next((line for line in said.splitlines() if line.strip()), "no message")
            stored = b"".join(self._output).decode().split()
            if status != 0:
                self._error = f"git hash-object failed (exit {status}): {reason}"
            elif self._error is None and stored != self._sent:
                self._error = "git stored different blob ids than expected"
            self._process = None
        if self._error is not None:
            raise GitError(f"{self._error} in archive {self._runner.work_tree}")

    def _send(self, temp: Path, data: bytes, oid: str) -> None:
        if self._error is not None or self._broken:
            return
        try:
            temp.write_bytes(data)
        except OSError as error:
            self._error = f"cannot write {temp}: {error.strerror or error}"
            return
        try:
            stdin = self._stdin or self._start()
            stdin.write(f"{temp}\n".encode())
            stdin.flush()  # git hashes it now, not when the run ends
        except OSError:
            self._broken = True  # git exited; finish() reports its exit code and message
            return
        self._sent.append(oid)

    def _start(self) -> IO[bytes]:
        self._process = self._runner.start("hash-object", "-w", "--no-filters", "--stdin-paths")
        # start() pipes both
        stdin, stdout = (
            cast("IO[bytes]", self._process.stdin),
            cast("IO[bytes]", self._process.stdout),
        )
        self._stdin = stdin
        # git prints one id per file; read them as they come so its stdout pipe never fills up
        self._reader = threading.Thread(
            target=lambda: self._output.extend(iter(lambda: stdout.read(65536), b"")),
            name="confvault-blob-ids",
            daemon=True,
        )
        self._reader.start()
        return stdin
