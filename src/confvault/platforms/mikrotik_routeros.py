"""MikroTik RouterOS (netmiko ``mikrotik_routeros``).

'/export' has no closing line: completeness rests on its header and on the last line not being
cut in the middle of a '\\'-continued command.
"""

from __future__ import annotations

from confvault.platforms.common import URL_CREDENTIALS
from confvault.platforms.spec import REMOVED, Command, Dialogue, Platform, drop, mask

# Stable facts of '/system resource print' (Oxidized's routeros.rb keeps the same keys).
RESOURCE_FACTS = (
    r"^\s*(?:version|build-time|factory-software|total-memory|cpu|cpu-count|total-hdd-space"
    r"|architecture-name|board-name|platform): ",
)

PLATFORM = Platform(
    name="mikrotik_routeros",
    aliases=("routeros",),
    comment_prefix="# ",
    dialogue=Dialogue(
        prompt=r"\[[^\]\n]{1,120}\][^\n>]{0,120}>",  # [admin@MikroTik] > , [admin@r1] /ip>
        pager=r"-- \[Q quit\|D dump\|down\]",
        login_answers=((r"Do you want to see the software license\? \[Y/n\]:?", "n"),),
    ),
    commands=(
        Command("/system resource print", as_comment=True, keep=RESOURCE_FACTS),
        Command("/export", is_config=True, read_timeout=120.0),
    ),
    error_patterns=(
        r"^bad command name \S+ \(line \d+ column \d+\)$",
        r"^(?:syntax error|expected end of command) \(line \d+ column \d+\)$",
    ),
    volatile=(
        # "# 2026-11-25 10:20:01 by RouterOS 7.12.1" (v7)
        # "# nov/25/2026 10:20:01 by RouterOS 6.49.7" (v6)
        drop(r"^# (?:\d{4}-\d\d-\d\d|[a-z]{3}/\d\d/\d{4}) \d\d:\d\d:\d\d by RouterOS \S+"),
        drop(
            r"^\s*(?:uptime|free-memory|cpu-load|free-hdd-space|write-sect-since-reboot"
            r"|write-sect-total|bad-blocks): "
        ),
    ),
    secrets=(
        *URL_CREDENTIALS,
        # password=..., secret=..., authentication-key=..., wpa2-pre-shared-key=..., private-key=...
        mask(
            r'(?<![\w-])(?!public-key=)((?:[\w-]+-)?(?:password|secret|key|passphrase)=)(?:"(?:[^"\\]|\\.)*"|\S+)',
            rf"\1{REMOVED}",
        ),
        # an SNMP community's name is its password: 'add addresses=10.0.0.0/8 name=n0c-R34d'
        mask(
            r'(?<![\w-])(name=)(?:"(?:[^"\\]|\\.)*"|\S+)',
            rf"\1{REMOVED}",
            within=r"^/snmp community$",
        ),
    ),
    section_header=r"^/",
    # RouterOS 7 CHR exports have no '# software id' line, but every export has its dated header.
    required=(r"^# (?:.* by RouterOS \S+|software id = .*)$",),
    end_marker=r"[^\\]$",
    end_marker_label="complete",  # a last line ending in '\\' was cut mid-command
    min_config_lines=2,
)
