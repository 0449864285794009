"""Platform tables: construction-time validation and the registry."""

from __future__ import annotations

import subprocess
import sys

import pytest

from confvault.errors import ConfvaultError, UnknownPlatformError
from confvault.models import ErrorClass
from confvault.platforms import (
    Command,
    Dialogue,
    OutputRejected,
    Platform,
    drop,
    get_platform,
    mask,
    platform_names,
)

TOY_DIALOGUE = Dialogue(prompt=r"x[>#]")
EIGHT = (
    "arista_eos",
    "cisco_ios",
    "cisco_nxos",
    "cisco_xr",
    "hp_comware",
    "huawei",
    "juniper_junos",
    "mikrotik_routeros",
)


def test_the_eight_platforms_are_registered() -> None:
    assert platform_names() == EIGHT


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
    for name in EIGHT:
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


@pytest.mark.parametrize("name", EIGHT)
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
