"""The one place that runs the git binary (through GitPython) and checks what users pass to it.

Every call goes through :class:`GitRunner` so durability settings, stdin handling and error
messages are the same everywhere. Many paths always travel through stdin in one call, never one
subprocess per device.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from git.cmd import Git

from confvault.errors import RepoError

# Passed on every call so objects and refs are flushed even in repositories whose config a
# person wrote by hand. git >= 2.36 understands these; "committed" = objects + references.
DURABILITY_OPTIONS = ("-c", "core.fsync=committed", "-c", "core.fsyncMethod=fsync")
ZERO_OID = "0" * 40
# Only the characters git revisions are made of: names, ~, ^, @{...}, and a date inside @{}.
_REVISION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/~^@{}+ -]{0,199}$")
_FORBIDDEN_PATH_CHARS = re.compile(r"[\x00-\x1f\x7f\\:*?\[\]]")


def blob_id(data: bytes) -> str:
    """The id git gives a blob with this content, computed without running git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def check_archive_path(path: str) -> str:
    """Refuse archive paths that could escape the work tree or be read as options or globs."""
    # Called for every device on every run, so plain string work rather than pathlib.
    if (
        not path
        or path.startswith(("-", "/"))
        or _FORBIDDEN_PATH_CHARS.search(path)
        or any(part in ("", ".", "..", ".git") or part[0] == "-" for part in path.split("/"))
    ):
        raise RepoError(f"invalid archive path {path!r}: expected '<provider>/<device>.cfg'")
    return path


def check_revision(rev: str) -> str:
    """Refuse revisions that could be taken for options or pathspecs (leading '-', '..')."""
    if not _REVISION_RE.match(rev) or ".." in rev or rev.endswith((".", "/", ".lock")):
        raise RepoError(f"invalid revision {rev!r}: expected a commit id, branch or tag name")
    return rev


class GitError(RepoError):
    """A git command failed; the message names the command and git's own first error line."""


class GitRunner:
    """Runs ``git`` in one work tree and returns raw bytes (configurations are not re-encoded)."""

    def __init__(self, work_tree: Path) -> None:
        self.work_tree = work_tree
        self._git = Git(str(work_tree))

    def run(
        self,
        *args: str,
        stdin: bytes | None = None,
        env: Mapping[str, str] | None = None,
        ok_codes: Sequence[int] = (0,),
    ) -> bytes:
        """Run ``git ARGS``; raise :class:`GitError` unless the exit code is in ``ok_codes``."""
        status, out, err = self.run_status(*args, stdin=stdin, env=env)
        if status not in ok_codes:
            first_line = next((line for line in err.splitlines() if line.strip()), "")
            raise GitError(
                f"git {args[0]} failed in {self.work_tree} (exit {status}): "
                f"{first_line or 'no message'}"
            )
        return out

    def run_status(
        self,
        *args: str,
        stdin: bytes | None = None,
        env: Mapping[str, str] | None = None,
    ) -> tuple[int, bytes, str]:
        """Run ``git ARGS`` and return (exit code, stdout bytes, stderr text) without raising."""
        command = ["git", *DURABILITY_OPTIONS, *args]
        # GitPython hands ``istream`` to Popen as stdin, so it must be a real file.
        with tempfile.TemporaryFile() as stdin_file:
            if stdin is not None:
                stdin_file.write(stdin)
                stdin_file.seek(0)
            status, out, err = self._git.execute(
                command,
                istream=stdin_file if stdin is not None else None,
                env=dict(env) if env is not None else None,
                with_extended_output=True,
                with_exceptions=False,
                stdout_as_string=False,
                strip_newline_in_stdout=False,
            )
        return status, out, err

    def start(self, *args: str) -> Any:
        """Start ``git ARGS`` with piped stdin and stdout; the caller feeds, drains and waits.

        Returns GitPython's wrapper: keep it referenced while the process runs (dropping it kills
        git), use its ``stdin``/``stdout`` and wait on ``.proc`` (its own ``wait`` raises).
        """
        command = ["git", *DURABILITY_OPTIONS, *args]
        return self._git.execute(command, istream=subprocess.PIPE, as_process=True)

    def text(
        self, *args: str, stdin: str | None = None, env: Mapping[str, str] | None = None
    ) -> str:
        """Run ``git ARGS`` and return its stdout as text without the trailing newline."""
        data = stdin.encode("utf-8") if stdin is not None else None
        out = self.run(*args, stdin=data, env=env)
        return out.decode("utf-8", errors="replace").rstrip("\n")
