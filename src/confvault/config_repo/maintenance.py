"""A repack that runs in a git child while the run collects devices (see ``start_maintenance``)."""

from __future__ import annotations

import subprocess

from confvault.config_repo.gitcmd import GitError, GitRunner


class Maintenance:
    """A repack running in a git child; :meth:`wait` before relying on its result."""

    def __init__(self, runner: GitRunner, process: subprocess.Popen[bytes]) -> None:
        self._runner = runner
        self._process = process

    def wait(self) -> None:
        _out, err = self._process.communicate()
        status = self._process.returncode
        said = err.decode("utf-8", errors="replace")
        if status != 0:
            first = next((line for line in said.splitlines() if line.strip()), "no message")
            raise GitError(
                f"git repack failed in {self._runner.work_tree} (exit {status}): {first}"
            )
