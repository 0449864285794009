"""Cisco IOS and IOS-XE (netmiko ``cisco_ios``)."""

from __future__ import annotations

from confvault.platforms.common import (
    CISCO_ENABLE_DIALOGUE,
    CISCO_STYLE_ERRORS,
    CISCO_STYLE_SECRETS,
    NTP_CLOCK_PERIOD,
)
from confvault.platforms.spec import Command, Platform, drop

# Stable facts of 'show version', like Oxidized's ios.rb: image, ROM, hardware, serials.
# Uptime, "System returned to ROM by", "System restarted at" and "Last reset" never match.
VERSION_FACTS = (
    r"^Cisco IOS",
    r"^Compiled ",
    r"^ROM: ",
    r"^BOOTLDR: ",
    r"^System image file is ",
    r"^cisco \S+ .*\bprocessor\b",
    r"^Processor board ID ",
    r"^\d+K bytes of ",
    r"^Model [Nn]umber\s+: ",
    r"^System [Ss]erial [Nn]umber\s+: ",
    r"^Motherboard [Ss]erial [Nn]umber\s+: ",
    r"^Configuration register is ",
)

PLATFORM = Platform(
    name="cisco_ios",
    aliases=("ios", "cisco_xe"),
    comment_prefix="! ",
    dialogue=CISCO_ENABLE_DIALOGUE,
    commands=(
        Command("show version", as_comment=True, keep=VERSION_FACTS),
        Command("show running-config", enable=True, is_config=True, read_timeout=120.0),
    ),
    error_patterns=(r"^% Invalid input detected at '\^' marker\.", *CISCO_STYLE_ERRORS),
    volatile=(
        drop(r"^Building configuration\.\.\.$"),
        drop(r"^Current configuration : \d+ bytes$"),
        # "! Last configuration change at 10:15:32 UTC Wed Nov 25 2026 by admin", its
        # "No configuration change since last restart" form and the NVRAM line.
        drop(r"^! (?:Last configuration change at|NVRAM config last updated at) \d{1,2}:\d\d:\d\d"),
        drop(r"^! No configuration change since last restart$"),
        drop(NTP_CLOCK_PERIOD),
        # show version, should a fact pattern above ever let them through
        drop(r"^\S+ uptime is \d+ (?:years?|weeks?|days?|hours?|minutes?)\b"),
        drop(r"^System returned to ROM by "),
        drop(r"^System restarted at \d{1,2}:\d\d:\d\d"),
    ),
    secrets=CISCO_STYLE_SECRETS,
    end_marker=r"^end$",
    min_config_lines=3,
)
