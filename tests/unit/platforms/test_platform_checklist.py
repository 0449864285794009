"""The platform checklist (`make check-platforms`): every platform has all of its pieces.

A platform is one product module (src/confvault/platforms/<name>.py), one lab module
(lab/src/confvault_lab/platforms/<name>.py, listed in confvault_lab.PLATFORMS) and one folder of
recorded cases (tests/data/platforms/<name>/); the documentation tables name it. Each check is run
for every name any of those three places knows, and a failure names the platform and the file that
is missing or out of date. CONTRIBUTING.md ("Adding a platform") is the walk-through.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from tests.platform_data import (
    CASE_FILES,
    DATA,
    PROMPTS_FILE,
    case_folders,
    load_prompts,
    platforms_asking_at_login,
)

import confvault.platforms
import confvault_lab
from confvault.platforms import Platform, clean, get_platform, platform_names
from confvault_lab import configgen

ROOT = Path(__file__).resolve().parents[3]
PRODUCT_DIR = ROOT / "src" / "confvault" / "platforms"
LAB_DIR = ROOT / "lab" / "src" / "confvault_lab" / "platforms"
CONTRACT = ROOT / "docs" / "platform-contract.md"
README = ROOT / "README.md"
HOSTS_TEMPLATE = ROOT / "src" / "confvault" / "templates" / "hosts.yaml"
DEMO_LAB = ROOT / "examples" / "demo-lab.yaml"

PRODUCT = frozenset(platform_names())
LAB = frozenset(confvault_lab.PLATFORMS)
EVERY_NAME = sorted(PRODUCT | LAB | set(case_folders()))

NOW = datetime(2026, 11, 25, 10, 20, 1, tzinfo=UTC)
BOOT = datetime(2026, 11, 1, 3, 4, 5, tzinfo=UTC)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# -- the three places -------------------------------------------------------------------------


@pytest.mark.parametrize("name", EVERY_NAME)
def test_the_product_knows_the_platform(name: str) -> None:
    module = PRODUCT_DIR / f"{name}.py"
    assert name in PRODUCT, (
        f"{name}: no product platform; "
        f"add {_rel(module)} with PLATFORM = Platform(name={name!r}, ...)"
    )
    # the file is named after the netmiko device_type, so each piece is found by the same name
    assert module.is_file(), f"{name}: the product platform must live in {_rel(module)}"


@pytest.mark.parametrize("name", EVERY_NAME)
def test_the_lab_simulates_the_platform(name: str) -> None:
    assert name in LAB, (
        f"{name}: no lab platform; add {_rel(LAB_DIR / f'{name}.py')} "
        "(confvault_lab.PLATFORMS lists it then)"
    )
    module = LAB_DIR / f"{name}.py"
    assert module.is_file(), f"{name}: the lab platform must live in {_rel(module)}"


@pytest.mark.parametrize("name", EVERY_NAME)
def test_the_recorded_cases_are_there(name: str) -> None:
    folder = DATA / name
    # prompts.yaml for the product's dialogue tests, lab.yaml for the lab's (tests/lab/)
    missing = [
        folder / name for name in (PROMPTS_FILE, "lab.yaml") if not (folder / name).is_file()
    ]
    for case, files in CASE_FILES.items():
        missing += [folder / case / f for f in files if not (folder / case / f).is_file()]
    assert not missing, f"{name}: missing {', '.join(_rel(p) for p in missing)}" + (
        " (expected.cfg: run `make check-platforms` once, or pytest --update-golden, and review it)"
        if any(p.name == "expected.cfg" for p in missing)
        else ""
    )


def test_every_module_holding_a_platform_exports_it_as_platform() -> None:
    # A module whose table is not named PLATFORM would be left out of the registry silently.
    package = confvault.platforms.__name__
    for info in pkgutil.iter_modules(confvault.platforms.__path__):
        module = importlib.import_module(f"{package}.{info.name}")
        tables = [v for v in vars(module).values() if isinstance(v, Platform)]
        if tables:
            assert getattr(module, "PLATFORM", None) in tables, (
                f"{_rel(PRODUCT_DIR / f'{info.name}.py')} holds a Platform but no PLATFORM = ..."
            )
            assert module.PLATFORM.name == info.name, (
                f"{_rel(PRODUCT_DIR / f'{info.name}.py')} declares {module.PLATFORM.name!r}: "
                "the file is named after the platform"
            )


# -- the lab and the product agree ------------------------------------------------------------


def _both(name: str) -> None:
    if name not in PRODUCT or name not in LAB:
        pytest.skip(f"{name}: needs the product and the lab platform (see the checks above)")


@pytest.mark.parametrize("name", EVERY_NAME)
def test_the_lab_answers_the_commands_the_product_sends(name: str) -> None:
    _both(name)
    platform = get_platform(name)
    version, config = platform.commands[0].command, platform.config_command.command
    lab_file = _rel(LAB_DIR / f"{name}.py")
    assert version in configgen.VERSION_COMMANDS[name], f"{name}: {lab_file} ignores {version!r}"
    assert config in configgen.CONFIG_COMMANDS[name], f"{name}: {lab_file} ignores {config!r}"


@pytest.mark.parametrize("name", EVERY_NAME)
def test_the_lab_output_passes_the_product_rules(name: str) -> None:
    _both(name)
    body = configgen.generate_body(name, "check-1", 20_000)
    outputs = [
        configgen.render_version(name, "check-1", NOW, BOOT),
        configgen.render_config(name, "check-1", body, NOW, 1),
    ]
    platform = get_platform(name)
    assert len(outputs) == len(platform.commands), f"{name}: the lab answers a version and a config"
    clean(platform, outputs, mask_secrets=True)  # an OutputRejected names the broken rule
    archived = clean(platform, outputs, mask_secrets=False)
    assert body.splitlines()[len(body.splitlines()) // 2] in archived.splitlines()


# -- the documentation lists the registry -----------------------------------------------------


def _tables(markdown: str) -> dict[str, list[str]]:
    """First-column cells of each table whose first header cell is 'platform', by heading."""
    tables: dict[str, list[str]] = {}
    heading, rows = "", None
    for line in markdown.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        cells = (
            [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        )
        if not cells:
            rows = None
        elif rows is None and cells[0] == "platform":
            rows = tables.setdefault(heading, [])
        elif rows is not None and not set(cells[0]) <= set("-: "):
            rows.append(cells[0])
    return tables


def _section(markdown: str, heading: str) -> str:
    match = re.search(rf"^#+ {re.escape(heading)}[^\n]*\n(.*?)(?=^#|\Z)", markdown, re.M | re.S)
    assert match, f"no section '{heading}'"
    return match.group(1)


def _differences(listed: list[str], expected: set[str]) -> str:
    problems = {
        "missing": sorted(expected - set(listed)),
        "unknown": sorted(set(listed) - expected),
        "repeated": sorted({n for n in listed if listed.count(n) > 1}),
    }
    return "; ".join(f"{what} {names}" for what, names in problems.items() if names)


def test_the_platform_contract_tables_have_one_row_per_platform() -> None:
    tables = _tables(CONTRACT.read_text(encoding="utf-8"))
    assert len(tables) >= 3, f"{_rel(CONTRACT)}: expected its per-platform tables"
    for heading, rows in tables.items():
        assert sorted(rows) == sorted(PRODUCT), (
            f"{_rel(CONTRACT)}, table under '{heading}': {_differences(rows, set(PRODUCT))}"
        )


def test_the_platform_contract_lists_every_unknown_command_reply() -> None:
    section = _section(CONTRACT.read_text(encoding="utf-8"), "Unknown command")
    named = [n.strip() for m in re.findall(r"^- ([\w, ]+):", section, re.M) for n in m.split(",")]
    assert sorted(named) == sorted(PRODUCT), (
        f"{_rel(CONTRACT)}, section 'Unknown command': {_differences(named, set(PRODUCT))}"
    )


def test_the_platform_contract_login_questions_are_the_recorded_ones() -> None:
    section = _section(CONTRACT.read_text(encoding="utf-8"), "Questions before the first prompt")
    documented = {n: q.strip() for n, q in re.findall(r"^- (\w+): `([^`]+)`", section, re.M)}
    recorded = {n: str(load_prompts(n).login_question).strip() for n in platforms_asking_at_login()}
    assert documented == recorded, f"{_rel(CONTRACT)} vs tests/data/platforms/*/{PROMPTS_FILE}"


def test_the_readme_inventory_section_names_every_platform_and_real_aliases() -> None:
    section = _section(README.read_text(encoding="utf-8"), "Inventory")
    match = re.search(r"netmiko `device_type`: (.*?), or aliases (.*?)\)", section, re.S)
    assert match, f"{_rel(README)}: the Inventory section lists the platforms"
    names, aliases = (re.findall(r"`([^`]+)`", group) for group in match.groups())
    assert sorted(names) == sorted(PRODUCT), (
        f"{_rel(README)}, section Inventory: {_differences(names, set(PRODUCT))}"
    )
    for alias in aliases:
        assert alias not in PRODUCT, f"{_rel(README)}: {alias!r} is a name, not an alias"
        get_platform(alias)  # UnknownPlatformError names the alias
    with_aliases = {get_platform(a).name for a in aliases}
    assert with_aliases == {p.name for p in confvault.platforms.PLATFORMS if p.aliases}, (
        f"{_rel(README)}: one alias of each platform that has aliases"
    )


def test_the_hosts_template_names_every_platform() -> None:
    comments = " ".join(
        line.lstrip("# ") for line in HOSTS_TEMPLATE.read_text().splitlines() if line[:1] == "#"
    )
    match = re.search(r"netmiko device_type: ([^)]*)\)", comments)
    assert match, f"{_rel(HOSTS_TEMPLATE)}: the header lists the platforms"
    names = [n.strip() for n in match.group(1).split(",")]
    assert sorted(names) == sorted(PRODUCT), (
        f"{_rel(HOSTS_TEMPLATE)}: {_differences(names, set(PRODUCT))}"
    )


def test_the_demo_lab_has_every_lab_platform_and_says_how_many() -> None:
    text = DEMO_LAB.read_text(encoding="utf-8")
    groups = yaml.safe_load(text)["groups"]
    platforms = {g["platform"] for g in groups}
    assert platforms == LAB, f"{_rel(DEMO_LAB)}: {_differences(sorted(platforms), set(LAB))}"
    summary = re.search(r"(\d+) simulated devices, (\d+) platforms", text)
    assert summary, f"{_rel(DEMO_LAB)}: the header says how many devices and platforms"
    assert int(summary.group(1)) == sum(g["count"] for g in groups), _rel(DEMO_LAB)
    assert int(summary.group(2)) == len(LAB), _rel(DEMO_LAB)
