"""Platform tables: construction-time validation and the registry."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from confvault.errors import ConfvaultError, UnknownPlatformError
from confvault.models import ErrorClass
from confvault.platforms import (
    PLATFORMS,
    Command,
    Dialogue,
    OutputRejected,
    Platform,
    drop,
    get_platform,
    mask,
    platform_names,
)
from confvault.platforms.registry import discover, index

TOY_DIALOGUE = Dialogue(prompt=r"x[>#]")
TOY_MODULE = """
from confvault.platforms import Command, Dialogue, Platform

PLATFORM = Platform(
    name="{name}",
    comment_prefix="! ",
    dialogue=Dialogue(prompt=r"x[>#]"),
    commands=(Command("show run", is_config=True),),
)
"""


ToyPackage = Callable[[dict[str, str]], str]


@pytest.fixture
def toy_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[ToyPackage]:
    """A package of platform modules on sys.path, named after the test, forgotten afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    name = f"toy_{request.node.name}"

    def make(files: dict[str, str]) -> str:
        package = tmp_path / name
        package.mkdir()
        (package / "__init__.py").write_text("")
        for module, text in files.items():
            (package / f"{module}.py").write_text(text)
        return name

    yield make
    for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
        del sys.modules[module]


def test_a_new_platform_module_is_discovered_and_helpers_are_not(toy_package: ToyPackage) -> None:
    package = toy_package(
        {
            "zeta_os": TOY_MODULE.format(name="zeta_os"),
            "alpha_os": TOY_MODULE.format(name="alpha_os"),
            "shared": "SHARED_ERRORS = ('% Error',)\n",  # a helper: no PLATFORM
            "_draft": TOY_MODULE.format(name="draft_os"),  # private modules are skipped
        },
    )
    assert [p.name for p in discover(package)] == ["alpha_os", "zeta_os"]


def test_a_platform_export_that_is_not_a_platform_fails_at_import(
    toy_package: ToyPackage,
) -> None:
    package = toy_package({"broken_os": "PLATFORM = 'broken_os'\n"})
    with pytest.raises(TypeError, match=r"broken_os\.PLATFORM is a str, not a Platform"):
        discover(package)


def test_two_platforms_claiming_one_name_are_refused() -> None:
    ios = get_platform("cisco_ios")
    with pytest.raises(ValueError, match="'ios' declared twice"):
        index((ios, replace(get_platform("cisco_xr"), aliases=("ios",))))


def test_every_registered_name_and_alias_resolves_to_its_platform() -> None:
    assert platform_names() == tuple(sorted(set(platform_names())))
    assert {p.name for p in PLATFORMS} == set(platform_names())
    for platform in PLATFORMS:
        for key in (platform.name, *platform.aliases):
            assert get_platform(key) is platform, key


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("ios", "cisco_ios"),
        ("nxos", "cisco_nxos"),
        ("iosxr", "cisco_xr"),
        ("eos", "arista_eos"),
        ("junos", "juniper_junos"),
        ("vrp", "huawei"),
        ("huawei_vrp", "huawei"),
        ("routeros", "mikrotik_routeros"),
        ("comware", "hp_comware"),
        ("cisco_ios", "cisco_ios"),
        (" Cisco_IOS ", "cisco_ios"),
    ],
)
def test_aliases_resolve_to_the_netmiko_device_type(alias: str, name: str) -> None:
    assert get_platform(alias).name == name


def test_unknown_platform_message_lists_the_known_names() -> None:
    with pytest.raises(UnknownPlatformError) as caught:
        get_platform("cisco_ioss")
    message = str(caught.value)
    assert "'cisco_ioss'" in message
    for name in platform_names():
        assert name in message
    assert "junos" in message  # aliases too
    assert "\n" not in message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    "build",
    [
        lambda: drop(r"^(unclosed"),
        lambda: mask(r"[z-a]", "x"),
        lambda: Command("show version", keep=(r"^Cisco", r"*bad")),
        lambda: Command("show version", drop=(r"(?P<x",)),
        lambda: Platform(
            name="x",
            comment_prefix="! ",
            dialogue=TOY_DIALOGUE,
            commands=(Command("show run", is_config=True),),
            end_marker="end)",
        ),
        lambda: Platform(
            name="x",
            comment_prefix="! ",
            dialogue=TOY_DIALOGUE,
            commands=(Command("show run", is_config=True),),
            error_patterns=("% Invalid[",),
        ),
    ],
)
def test_a_bad_regex_fails_when_the_table_is_built(build: object) -> None:
    assert callable(build)
    with pytest.raises(ValueError, match="bad regex"):
        build()


def test_a_lone_string_instead_of_a_tuple_is_refused() -> None:
    with pytest.raises(TypeError, match="tuple of regexes"):
        Command("show version", keep=r"^Cisco")  # type: ignore[arg-type]


def test_a_platform_needs_exactly_one_configuration_command() -> None:
    with pytest.raises(ValueError, match="exactly one is_config"):
        Platform(
            name="x",
            comment_prefix="! ",
            dialogue=TOY_DIALOGUE,
            commands=(Command("show version"),),
        )
    with pytest.raises(ValueError, match="comment"):
        Command("show run", is_config=True, as_comment=True)


def test_tables_are_frozen() -> None:
    platform = get_platform("ios")
    with pytest.raises(AttributeError):
        platform.name = "other"  # type: ignore[misc]


def test_output_rejected_is_a_project_error_with_a_class() -> None:
    error = OutputRejected(ErrorClass.INCOMPLETE, "show running-config output is empty")
    assert isinstance(error, ConfvaultError)
    assert error.error_class is ErrorClass.INCOMPLETE
    assert str(error) == "show running-config output is empty"


@pytest.mark.parametrize("name", platform_names())
def test_every_platform_collects_a_comment_then_the_configuration(name: str) -> None:
    platform = get_platform(name)
    assert platform.commands[0].as_comment
    assert platform.commands[-1] is platform.config_command
    assert platform.secrets, "every platform masks something"
    assert platform.end_marker is not None or platform.required, "some completeness check"


def test_platforms_import_only_stdlib_and_shared_modules() -> None:
    # A fresh interpreter: importing the package must not pull in netmiko, nornir, git, sqlalchemy.
    code = (
        "import sys, confvault.platforms\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'netmiko','nornir','nornir_netmiko','git','sqlalchemy','yaml','paramiko','click'})\n"
        "own = sorted(m for m in sys.modules if m.startswith('confvault.') and not "
        "m.startswith(('confvault.platforms', 'confvault.models', 'confvault.errors')))\n"
        "print(bad, own)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[] []"
