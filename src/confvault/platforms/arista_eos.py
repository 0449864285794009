"""Arista EOS (netmiko ``arista_eos``)."""

from __future__ import annotations

from confvault.platforms.common import (
    CISCO_ENABLE_DIALOGUE,
    CISCO_STYLE_ERRORS,
    CISCO_STYLE_SECRETS,
)
from confvault.platforms.spec import Command, Platform, drop

VERSION_FACTS = (
    r"^Arista ",
    r"^Hardware version:",
    r"^Serial number:",
    r"^(?:Hardware|System) MAC address:",
    r"^Software image version:",
    r"^Architecture:",
    r"^Internal build version:",
    r"^Total memory:",
)

PLATFORM = Platform(
    name="arista_eos",
    aliases=("eos",),
    comment_prefix="! ",
    dialogue=CISCO_ENABLE_DIALOGUE,
    commands=(
        Command("show version", as_comment=True, keep=VERSION_FACTS),
        Command("show running-config", enable=True, is_config=True, read_timeout=120.0),
    ),
    # "% Invalid input (at token 0: 'foo')" and "% Invalid input (privileged mode required)"
    error_patterns=(
        r"^% Invalid input\b",
        r"^% Authorization denied for command\b",  # AAA command authorisation
        *CISCO_STYLE_ERRORS,
    ),
    volatile=(
        drop(r"^! Time: \w{3} \w{3} +\d{1,2} \d\d:\d\d:\d\d \d{4}$"),
        drop(r"^Uptime:\s+\d+ "),
        drop(r"^Free memory:\s+\d+ kB$"),
    ),
    secrets=CISCO_STYLE_SECRETS,
    end_marker=r"^end$",
    min_config_lines=3,
)
