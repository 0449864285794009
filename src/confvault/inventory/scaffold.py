"""``confvault init``: write a commented, ready-to-edit project (settings, nornir, inventory)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from confvault.errors import ConfigError
from confvault.inventory.yaml_loader import display_path

# template name -> where it goes in the project
PROJECT_FILES: tuple[tuple[str, str], ...] = (
    ("confvault.yaml", "confvault.yaml"),
    ("nornir.yaml", "nornir.yaml"),
    ("hosts.yaml", "inventory/hosts.yaml"),
    ("groups.yaml", "inventory/groups.yaml"),
    ("defaults.yaml", "inventory/defaults.yaml"),
)


def write_project(directory: Path) -> list[Path]:
    """Write the project files into ``directory`` (created if needed) and return their paths.

    Nothing is written when any of them already exists: an operator's edited inventory is never
    overwritten. The archive repository and the database are created by the service.
    """
    targets = [(template, directory / relative) for template, relative in PROJECT_FILES]
    existing = [display_path(path) for _, path in targets if path.exists()]
    if existing:
        raise ConfigError(f"{', '.join(existing)}: already exists; not overwriting")
    templates = resources.files("confvault") / "templates"
    written: list[Path] = []
    try:
        for template, path in targets:
            path.parent.mkdir(parents=True, exist_ok=True)
            text = (templates / template).read_text(encoding="utf-8")
            with path.open("x", encoding="utf-8") as handle:  # "x": never clobber a racing write
                handle.write(text)
            written.append(path)
    except FileExistsError as exc:
        raise ConfigError(f"{exc.filename}: already exists; not overwriting") from None
    except OSError as exc:
        where = exc.filename or directory
        raise ConfigError(f"{where}: cannot write: {exc.strerror or exc}") from None
    return written
