"""Lock and temporary files a killed git child leaves in the archive, found and cleared.

A lock is stale when no live process can own it. confvault runs git in the archive only while it
holds the run lock (an ``flock`` on ``.git/confvault-run.lock``, dropped by the kernel when its
holder dies), and :func:`remove_stale_locks` runs under that lock: no other confvault process can
own one of these files then. Only a person's git (a ``git commit`` waiting in an editor, a
``git gc``) still can, and ``/proc`` tells whether one works in the archive. No guessing by age.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from confvault.errors import RepoError

# The service's run lock (``service.lock.LOCK_NAME``): held, never a leftover.
RUN_LOCK_NAME = "confvault-run.lock"

# Folder (relative to .git) -> name patterns of what git writes there while it works: the index,
# HEAD, config and packed-refs locks; commit-graph locks and split-graph temp files; repack's
# temp packs, pack-objects' and index-pack's temp files, the multi-pack-index and packs locks.
_LEFTOVERS_IN = {
    ".": ("*.lock", "gc.pid"),
    "objects": ("*.lock",),
    "objects/info": ("*.lock",),
    "objects/info/commit-graphs": ("*.lock", "tmp_graph_*"),
    "objects/pack": ("*.lock", ".tmp-*", "tmp_pack_*", "tmp_idx_*", "tmp_rev_*"),
    "confvault": ("index", "index.lock", "*.tmp"),  # the temporary commit index, journal temp
}
# Ref locks sit as deep as the ref names go (refs/heads/main.lock, refs/tags/a/b.lock).
_LEFTOVERS_BELOW = ("refs", "logs")


def leftover_files(git_dir: Path) -> list[Path]:
    """Every lock or temp file git (or confvault's commit) writes while working, if present."""
    found: list[Path] = []
    for folder, patterns in _LEFTOVERS_IN.items():
        place = git_dir / folder
        for pattern in patterns:
            found += (p for p in place.glob(pattern) if p.name != RUN_LOCK_NAME)
    for folder in _LEFTOVERS_BELOW:
        found += (git_dir / folder).rglob("*.lock")
    return sorted(set(found))


def remove_stale_locks(work_tree: Path, git_dir: Path) -> None:
    """Delete what killed git children left behind; refuse while a person's git may own it.

    The caller holds the run lock (see the module docstring).
    """
    leftovers = leftover_files(git_dir)
    if not leftovers:
        return
    if _git_running_in(work_tree):
        relative = leftovers[0].relative_to(git_dir)
        raise RepoError(
            f"archive {work_tree} is locked by a running git command (.git/{relative}); "
            "retry when it has finished"
        )
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)


def _git_processes() -> Iterator[Path]:
    """/proc entries of live git processes (a repack this process left running counts too)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if (entry / "comm").read_text().strip() == "git":
                yield entry


def _git_running_in(work_tree: Path) -> bool:
    """Whether a live git process works in this archive (Linux /proc; False elsewhere)."""
    root = work_tree.resolve()
    for entry in _git_processes():
        with contextlib.suppress(OSError):
            cwd = (entry / "cwd").resolve()
            if cwd == root or root in cwd.parents:
                return True
    return False
