"""Work-tree and index upkeep done after the branch has moved (and again by recovery)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from confvault.config_repo.gitcmd import GitRunner
from confvault.errors import RepoError


def place_files(work_tree: Path, moves: Sequence[tuple[str, Path]]) -> None:
    """Rename already-written temp files onto their archive paths (atomic per file)."""
    made: set[Path] = set()
    for archive_path, temp in moves:
        target = work_tree / archive_path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        temp.replace(target)


def write_files(work_tree: Path, temp_dir: Path, contents: Mapping[str, bytes | None]) -> None:
    """Write each path's bytes via temp + rename; ``None`` removes the file."""
    temp_dir.mkdir(parents=True, exist_ok=True)
    moves: list[tuple[str, Path]] = []
    for number, (archive_path, data) in enumerate(contents.items()):
        if data is None:
            with contextlib.suppress(FileNotFoundError):
                (work_tree / archive_path).unlink()
            continue
        temp = temp_dir / f"restore-{number}"
        temp.write_bytes(data)
        moves.append((archive_path, temp))
    place_files(work_tree, moves)


def refresh_index(runner: GitRunner, paths: Iterable[str]) -> None:
    """Make the real index match the work tree for these paths, in one git call."""
    listing = b"".join(p.encode("utf-8") + b"\0" for p in paths)
    if listing:
        runner.run("update-index", "--add", "--remove", "-z", "--stdin", stdin=listing)


def read_blobs(runner: GitRunner, blob_ids: Iterable[str]) -> dict[str, bytes]:
    """Contents of many blobs from one ``git cat-file --batch`` call."""
    wanted = list(dict.fromkeys(blob_ids))
    if not wanted:
        return {}
    out = runner.run("cat-file", "--batch", stdin="".join(f"{b}\n" for b in wanted).encode())
    blobs: dict[str, bytes] = {}
    position = 0
    for expected in wanted:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].decode().split()
        if len(header) != 3 or header[0] != expected:
            raise RepoError(f"object {expected} is missing from archive {runner.work_tree}")
        size = int(header[2])
        blobs[expected] = out[header_end + 1 : header_end + 1 + size]
        position = header_end + 1 + size + 1  # the content is followed by a newline
    return blobs
