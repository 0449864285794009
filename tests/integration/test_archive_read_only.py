"""show, history and diff work on a read-only archive (a mounted copy, a replica, a restore).

Tests run as root, and root ignores file modes. So the archive is made read-only with
``chmod -R a-w`` and the real ``confvault`` command runs under ``setpriv`` without the
capabilities that let root write there anyway (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,
CAP_FOWNER): the kernel then refuses every write into the archive, as for any other user.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration

WITHOUT_OVERRIDES = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def writes_are_refused(folder: Path) -> bool:
    probe = subprocess.run(
        [*WITHOUT_OVERRIDES, "sh", "-c", f"touch '{folder}/probe'"], capture_output=True
    )
    return probe.returncode != 0 and not (folder / "probe").exists()


def snapshot(archive: Path) -> dict[str, tuple[int, str]]:
    """Every file in the archive (.git included): mode and content hash."""
    return {
        str(p.relative_to(archive)): (p.stat().st_mode, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(archive.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Project]:
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed")
    spec = parse_spec({"groups": [{"platform": "cisco_ios", "count": 2, "size": 3000}]})
    root = tmp_path / "project"
    with Lab(spec, tmp_path / "lab", inventory_dir=root / "inventory") as lab:
        project = write_project(root, lab, workers=20, timeout=20)
        project.run()
        project.lab.mutate(lab.devices[0].name)
        project.run()
        subprocess.run(["chmod", "-R", "a-w", str(project.archive)], check=True)
        try:
            if not writes_are_refused(project.archive):
                pytest.skip("cannot drop the capabilities that let root write anywhere")
            yield project
        finally:
            subprocess.run(["chmod", "-R", "u+w", str(project.archive)], check=True)


def confvault(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    config = str(project.root / "confvault.yaml")
    return subprocess.run(
        [*WITHOUT_OVERRIDES, sys.executable, "-m", "confvault", "--config", config, *args],
        capture_output=True,
        text=True,
        env=project.env,
        cwd=project.root,
        timeout=120,
    )


def test_read_commands_work_on_a_read_only_archive_and_write_nothing(
    read_only: Project,
) -> None:
    project = read_only
    device = project.lab.devices[0].name
    before = snapshot(project.archive)
    head, first = project.commits()

    shown = confvault(project, "show", device)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == (project.archive / "lab" / f"{device}.cfg").read_text()

    listed = confvault(project, "history", device)
    assert listed.returncode == 0, listed.stderr
    assert head[:12] in listed.stdout
    assert first[:12] in listed.stdout

    changed = confvault(project, "diff", device)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.startswith("diff --git")

    old = confvault(project, "show", device, "--rev", first)
    assert old.returncode == 0, old.stderr
    assert old.stdout != shown.stdout

    assert snapshot(project.archive) == before


def test_a_run_on_a_read_only_archive_exits_3_in_one_line(read_only: Project) -> None:
    before = snapshot(read_only.archive)

    done = confvault(read_only, "run")

    assert done.returncode == 3
    assert "is not writable" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert snapshot(read_only.archive) == before
