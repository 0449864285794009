"""What `pip install .` and `pip install '.[lab]'` bring: read from the wheels themselves."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from click.testing import CliRunner

from confvault import cli as cli_module
from confvault.errors import ConfigError

ROOT = Path(__file__).parents[2]


def _build_wheel(source: Path, out: Path) -> zipfile.ZipFile:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("*.whl")
    return zipfile.ZipFile(wheel)


def _metadata(wheel: zipfile.ZipFile) -> list[tuple[str, str]]:
    name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    return list(Parser().parsestr(wheel.read(name).decode()).items())


@pytest.mark.integration
def test_the_product_wheel_ships_no_simulator_and_needs_no_asyncssh(tmp_path: Path) -> None:
    wheel = _build_wheel(ROOT, tmp_path / "product")
    files = wheel.namelist()
    assert "confvault/db/migrations/versions/0001_initial_schema.py" in files
    assert "confvault/templates/nornir.yaml" in files
    assert not [f for f in files if f.startswith("confvault_lab/") or "/lab/" in f]
    requires = [value for key, value in _metadata(wheel) if key == "Requires-Dist"]
    always = [r for r in requires if "extra ==" not in r]
    assert not [r for r in always if r.lower().startswith(("asyncssh", "jinja2", "nornir-utils"))]
    assert any(r.lower().startswith("paramiko") for r in always)
    (lab,) = [r for r in requires if r.startswith("confvault-lab")]
    assert "extra == 'lab'" in lab or 'extra == "lab"' in lab


@pytest.mark.integration
def test_the_lab_wheel_brings_asyncssh_and_mounts_confvault_lab(tmp_path: Path) -> None:
    wheel = _build_wheel(ROOT / "lab", tmp_path / "lab")
    assert "confvault_lab/server.py" in wheel.namelist()
    assert not [f for f in wheel.namelist() if f.startswith("confvault/")]
    requires = [value for key, value in _metadata(wheel) if key == "Requires-Dist"]
    assert any(r.startswith("asyncssh") for r in requires)
    entry_points = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    text = wheel.read(entry_points).decode()
    assert "[confvault.commands]" in text
    assert "lab = confvault_lab.cli:lab_group" in text


def test_confvault_lab_without_the_extra_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cli_module, "_plugin_commands", dict)
    result = CliRunner().invoke(cli_module.cli, ["lab", "start"], standalone_mode=False)
    assert isinstance(result.exception, ConfigError)
    assert str(result.exception) == cli_module.LAB_MISSING
    assert "pip install 'confvault[lab]'" in str(result.exception)
