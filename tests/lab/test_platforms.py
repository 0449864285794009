"""Every platform, driven by netmiko through nornir-netmiko, yields its full configuration."""

from __future__ import annotations

import asyncio

import asyncssh
import pytest

from confvault_lab import Lab

from .conftest import collect
from .expectations import ends_complete

pytestmark = pytest.mark.integration


def test_every_platform_serves_its_full_configuration(platform_lab: Lab) -> None:
    results = collect(platform_lab)
    assert len(results) == 8
    for device in platform_lab.devices:
        got = results[device.name]
        assert got.ok, f"{device.name}: {got.error}"
        assert ends_complete(device.platform, got.config), f"{device.name}: {got.config[-200:]!r}"
        body = platform_lab.config_body(device.name)
        # Lines with @@PLACEHOLDERS@@ are volatile: configgen fills them per session.
        body_lines = [line for line in body.splitlines() if line.strip() and "@@" not in line]
        missing = [line for line in body_lines if line not in got.config]
        assert not missing, f"{device.name}: body lines missing, e.g. {missing[:2]}"
        assert got.version.strip()
        assert got.version != got.config


async def _shell(host: str, port: int, user: str, lines: list[str], until: list[str]) -> str:
    """Type each line into a raw shell and read until the matching marker appears."""
    async with asyncssh.connect(
        host, port, username=user, password="lab-password", known_hosts=None
    ) as conn:
        process = await conn.create_process(term_type="vt100", encoding=None)
        seen = b""

        async def read_until(marker: str) -> None:
            nonlocal seen
            while marker.encode() not in seen:
                seen += await asyncio.wait_for(process.stdout.read(65536), 5)

        await read_until(">")
        for line, marker in zip(lines, until, strict=True):
            process.stdin.write(line.encode())
            await read_until(marker)
        process.stdin.write(b"quit\r")
        return seen.decode()


def test_paging_until_the_platform_turns_it_off(platform_lab: Lab) -> None:
    vrp = next(d for d in platform_lab.devices if d.platform == "huawei")
    text = asyncio.run(
        _shell(
            vrp.address,
            vrp.port,
            "admin",
            [
                "display current-configuration\r",
                "q",
                "screen-length 0 temporary\r\n",
                "display current-configuration\r",
            ],
            ["---- More ----", f"<{vrp.name}>", "Info: The configuration", "return"],
        )
    )
    before, after = text.split("screen-length 0 temporary", 1)
    assert "  ---- More ----" in before
    assert "---- More ----" not in after
    assert "\r\n" in after
    assert "\n\n" not in after.replace("\r\n", "\n")


def test_unknown_command_gets_the_platform_error(platform_lab: Lab) -> None:
    ios = next(d for d in platform_lab.devices if d.platform == "cisco_ios")
    text = asyncio.run(_shell(ios.address, ios.port, "admin", ["frobnicate\r"], ["marker."]))
    assert f"{ios.name}>frobnicate\r\n" in text
    caret_line = text.split("frobnicate\r\n", 1)[1].split("\r\n", 1)[0]
    assert caret_line == " " * len(f"{ios.name}>") + "^"
    assert "% Invalid input detected at '^' marker." in text


def test_routeros_login_with_netmiko_terminal_flags(platform_lab: Lab) -> None:
    ros = next(d for d in platform_lab.devices if d.platform == "mikrotik_routeros")
    text = asyncio.run(_shell(ros.address, ros.port, "admin+ct511w4098h", [], []))
    assert f"[admin@{ros.name}] > " in text
