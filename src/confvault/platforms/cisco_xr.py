"""Cisco IOS-XR (netmiko ``cisco_xr``). Every XR output opens with the current time."""

from __future__ import annotations

from confvault.platforms.common import CISCO_DIALOGUE, CISCO_STYLE_ERRORS, CISCO_STYLE_SECRETS
from confvault.platforms.spec import Command, Platform, drop

VERSION_FACTS = (
    r"^Cisco IOS XR Software, Version ",
    r"^ROM: ",
    r"^System image file is ",
    r"^cisco \S+.* processor",
    r"^\S.* Chassis\b",
    r"^ Version\s+: ",  # IOS-XR 7 (eXR / LNT) layout
    r"^ Label\s+: ",
)

PLATFORM = Platform(
    name="cisco_xr",
    aliases=("iosxr",),
    comment_prefix="! ",
    dialogue=CISCO_DIALOGUE,
    commands=(
        Command("show version", as_comment=True, keep=VERSION_FACTS),
        Command("show running-config", is_config=True, read_timeout=120.0),
    ),
    error_patterns=(r"^% Invalid input detected at '\^' marker\.", *CISCO_STYLE_ERRORS),
    volatile=(
        # "Wed Nov 25 10:20:01.123 UTC": the time stamp XR prints before every output
        drop(r"^\w{3} \w{3} +\d{1,2} \d\d:\d\d:\d\d\.\d{3} \S+$"),
        drop(r"^Building configuration\.\.\.$"),
        drop(r"^!! Last configuration change at "),
        drop(r"^\S+ uptime is \d+ (?:years?|weeks?|days?|hours?|minutes?)\b"),
        drop(r"^System uptime is "),
    ),
    secrets=CISCO_STYLE_SECRETS,
    end_marker=r"^end$",
    min_config_lines=3,
)
