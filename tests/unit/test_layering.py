"""The package layout the README promises, read from the import statements of ``src/confvault``.

cli -> service -> runner / config_repo / db / inventory -> platforms -> models; each third-party
library that talks to the outside world is imported by exactly one package.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).parents[2]
SRC = ROOT / "src"
LAB_SRC = ROOT / "lab" / "src" / "confvault_lab"

# library -> the only confvault package allowed to import it
OWNERS = {
    "nornir": "runner",
    "nornir_netmiko": "runner",
    "netmiko": "runner",
    "paramiko": "runner",
    "git": "config_repo",
    "sqlalchemy": "db",
    "alembic": "db",
}
# urls: the one database-URL redactor (pure text); crash_hook: the kill -9 test seam
BASE = {"errors", "models", "urls", "crash_hook"}
# package -> the confvault packages it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "__main__": {"cli"},
    "cli": {"service", "settings"} | BASE,
    "service": {"runner", "config_repo", "db", "inventory", "settings"} | BASE,
    "settings": {"inventory", "db"} | BASE,  # the YAML reader; the database URL check
    "runner": {"platforms"} | BASE,
    "config_repo": set(BASE),
    "db": set(BASE),
    "inventory": {"platforms"} | BASE,
    "platforms": set(BASE),
    "errors": {"models"},
    "models": set(),
    "urls": set(),
    "crash_hook": set(),
}


def _imported_modules(path: Path) -> list[str]:
    """Every absolute import in one file, function-level imports included."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def _imports() -> dict[str, set[str]]:
    """confvault package -> top-level names it imports."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in (SRC / "confvault").rglob("*.py"):
        package = path.relative_to(SRC / "confvault").with_suffix("").parts[0]
        for name in _imported_modules(path):
            top = name.split(".")
            found[package].add(top[1] if top[0] == "confvault" and len(top) > 1 else top[0])
    return found


def test_each_outside_library_has_one_owner() -> None:
    wrong = {
        (package, library)
        for package, names in _imports().items()
        for library, owner in OWNERS.items()
        if library in names and package != owner
    }
    assert not wrong


def test_confvault_packages_depend_one_way() -> None:
    imports = _imports()
    assert set(imports) <= set(ALLOWED), set(imports) - set(ALLOWED)
    wrong = {
        (package, name)
        for package, names in imports.items()
        for name in names & set(ALLOWED)
        if name != package and name not in ALLOWED[package]
    }
    assert not wrong


def test_product_and_lab_never_import_each_other() -> None:
    """The lab is a separate distribution: a plain install has no simulator and no asyncssh."""
    product = {name for names in _imports().values() for name in names}
    assert not product & {"confvault_lab", "asyncssh"}
    lab = {name.split(".")[0] for path in LAB_SRC.rglob("*.py") for name in _imported_modules(path)}
    assert "asyncssh" in lab
    assert "confvault" not in lab
    assert not any((SRC / "confvault").glob("lab*"))
