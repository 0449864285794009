"""Cisco NX-OS (netmiko ``cisco_nxos``).

NX-OS prints no closing line, so completeness rests on structure: the '!Command:' header, the
'line vty' section every NX-OS configuration has, and a line count.
"""

from __future__ import annotations

from confvault.platforms.common import CISCO_DIALOGUE, CISCO_STYLE_ERRORS, CISCO_STYLE_SECRETS
from confvault.platforms.spec import Command, Platform, drop

_DATE = r"\w{3} \w{3} +\d{1,2} \d\d:\d\d:\d\d \d{4}"  # Wed Nov 25 10:20:01 2026

VERSION_FACTS = (
    r"^Cisco Nexus Operating System",
    r"^\s+(?:BIOS|NXOS|loader|kickstart|system): version ",
    r"^\s+(?:NXOS|kickstart|system) image file is: ",
    r"^\s+cisco .*[Cc]hassis",
    r"^\s+.* with \d+ kB of memory\.$",
    r"^\s+Processor Board ID ",
    r"^\s+Device name: ",
)

PLATFORM = Platform(
    name="cisco_nxos",
    aliases=("nxos",),
    comment_prefix="! ",
    dialogue=CISCO_DIALOGUE,
    commands=(
        Command("show version", as_comment=True, keep=VERSION_FACTS),
        Command("show running-config", is_config=True, read_timeout=120.0),
    ),
    error_patterns=(r"^% Invalid command at '\^' marker\.", *CISCO_STYLE_ERRORS),
    volatile=(
        drop(rf"^!Time: {_DATE}$"),
        drop(rf"^!Running configuration last done at: {_DATE}$"),
        drop(r"^Kernel uptime is \d+ day"),
        drop(r"^Last reset at "),
    ),
    secrets=CISCO_STYLE_SECRETS,
    # NX-OS always prints 'line vty' after the interfaces, near the end: its absence shows a
    # session cut before the last sections.
    required=(r"^!Command: show running-config", r"^line vty$"),
    min_config_lines=5,
)
