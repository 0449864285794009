"""The one place that runs the git binary and checks what users pass to it.

Every call goes through :class:`GitRunner` so durability settings, stdin handling, the children's
environment and error messages are the same everywhere. Many paths always travel through stdin in
one call, never one subprocess per device. GitPython only names the git executable
(``GIT_PYTHON_GIT_EXECUTABLE``): its own ``execute`` hands every child a copy of our whole
environment, device credentials included.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from git.cmd import Git

from confvault.errors import RepoError

# Passed on every call so objects and refs are flushed even in repositories whose config a
# person wrote by hand. git >= 2.36 understands these; "committed" = objects + references.
DURABILITY_OPTIONS = ("-c", "core.fsync=committed", "-c", "core.fsyncMethod=fsync")
ZERO_OID = "0" * 40
# Only the characters git revisions are made of: names, ~, ^, @{...}, and a date inside @{}.
_REVISION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/~^@{}+ -]{0,199}$")
_FORBIDDEN_PATH_CHARS = re.compile(r"[\x00-\x1f\x7f\\:*?\[\]]")
# What a git child needs from our environment: finding programs and the user's git config, the
# locale and time zone, and the ssh agent for a push. Everything else (device credentials above
# all) stays with confvault; the GIT_* identity a commit needs is passed per call.
_INHERITED_VARIABLES = frozenset({"PATH", "HOME", "LANG", "TZ", "SSH_AUTH_SOCK"})
# git's messages in English, as confvault quotes them (GitPython forced the same).
_MESSAGES_IN_ENGLISH = {"LANGUAGE": "C", "LC_ALL": "C"}


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


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of every git child: the allowed part of ours, then ``extra``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name in _INHERITED_VARIABLES or name.startswith("LC_")
    }
    env |= _MESSAGES_IN_ENGLISH
    if extra is not None:
        env |= extra
    return env


class GitError(RepoError):
    """A git command failed; the message names the command and git's own first error line."""


class GitRunner:
    """Runs ``git`` in one work tree and returns raw bytes (configurations are not re-encoded)."""

    def __init__(self, work_tree: Path) -> None:
        self.work_tree = work_tree

    def _command(self, args: Sequence[str]) -> list[str]:
        return [str(Git.GIT_PYTHON_GIT_EXECUTABLE or "git"), *DURABILITY_OPTIONS, *args]

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
        done = subprocess.run(
            self._command(args),
            input=stdin,
            stdin=subprocess.DEVNULL if stdin is None else None,
            capture_output=True,
            cwd=self.work_tree,
            env=child_environment(env),
            check=False,
        )
        return done.returncode, done.stdout, done.stderr.decode("utf-8", errors="replace")

    def start(self, *args: str, feed: bool = True) -> subprocess.Popen[bytes]:
        """Start ``git ARGS`` with piped stdout and stderr, and stdin unless ``feed`` is False;
        the caller feeds, drains and waits."""
        return subprocess.Popen(
            self._command(args),
            stdin=subprocess.PIPE if feed else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=self.work_tree,
            env=child_environment(),
        )

    def text(
        self, *args: str, stdin: str | None = None, env: Mapping[str, str] | None = None
    ) -> str:
        """Run ``git ARGS`` and return its stdout as text without the trailing newline."""
        data = stdin.encode("utf-8") if stdin is not None else None
        out = self.run(*args, stdin=data, env=env)
        return out.decode("utf-8", errors="replace").rstrip("\n")
