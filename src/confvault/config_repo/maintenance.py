"""A repack that runs in a git child while the run collects devices (see ``start_maintenance``)."""

from __future__ import annotations

from typing import Any

from confvault.config_repo.gitcmd import GitError, GitRunner


class Maintenance:
    """A repack running in a git child; :meth:`wait` before relying on its result."""

    def __init__(self, runner: GitRunner, process: Any) -> None:
        self._runner = runner
        self._process = process
        process.stdin.close()  # repack reads nothing

    def wait(self) -> None:
        status = self._process.proc.wait()
        said = self._process.proc.stderr.read().decode("utf-8", errors="replace")
        self._process.proc.stdout.read()
        if status != 0:
            first = next((line for line in said.splitlines() if line.strip()), "no message")
            raise GitError(
                f"git repack failed in {self._runner.work_tree} (exit {status}): {first}"
            )
