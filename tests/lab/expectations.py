"""What each simulated platform must show, from tests/data/platforms/<platform>/lab.yaml.

The lab platforms are discovered (confvault_lab.platforms); their expectations are data, one file
per platform next to the product's recorded cases, so adding a platform adds no test code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "platforms"


@dataclass(frozen=True)
class LabExpectations:
    platform: str
    hostname_line: str  # "{}" stands for the device name
    collect_with_enable: bool
    config_volatile: tuple[str, ...]
    version_volatile: tuple[str, ...]
    secret_line: str | None  # a regular expression, the secret in group 1
    rendered_end: tuple[dict[str, Any], ...]
    collected_end: tuple[dict[str, Any], ...]


def lab_yaml_platforms() -> set[str]:
    return {path.parent.name for path in DATA.glob("*/lab.yaml")}


@cache
def expectations(platform: str) -> LabExpectations:
    data = yaml.safe_load((DATA / platform / "lab.yaml").read_text(encoding="utf-8"))
    return LabExpectations(
        platform=platform,
        hostname_line=data["hostname_line"],
        collect_with_enable=data["collect_with_enable"],
        config_volatile=tuple(data["config_volatile"]),
        version_volatile=tuple(data["version_volatile"]),
        secret_line=data.get("secret_line"),
        rendered_end=tuple(data["rendered_end"]),
        collected_end=tuple(data["collected_end"]),
    )


def _holds(check: dict[str, Any], lines: list[str], text: str) -> bool:
    if "contains" in check:
        return str(check["contains"]) in text
    if "balanced" in check:
        opening, closing = check["balanced"]
        return text.count(opening) == text.count(closing)
    line: str = lines[check["line"]]
    if "equals" in check:
        return line == str(check["equals"])
    if "not_in" in check:
        return line not in [str(item) for item in check["not_in"]]
    if "starts_with" in check:
        return line.startswith(check["starts_with"])
    if "not_ends_with" in check:
        return not line.endswith(check["not_ends_with"])
    raise ValueError(f"unknown end check {check}")


def failed_end_checks(platform: str, output: str) -> list[dict[str, Any]]:
    """The rendered_end checks that ``output`` (configgen.render_config) fails."""
    lines = output.split("\n")
    return [c for c in expectations(platform).rendered_end if not _holds(c, lines, output)]


def ends_complete(platform: str, config: str) -> bool:
    """The contract's end-of-configuration rule, on a configuration as a client collected it."""
    lines = [line.strip() for line in config.strip().splitlines() if line.strip()]
    return all(_holds(check, lines, config) for check in expectations(platform).collected_end)
