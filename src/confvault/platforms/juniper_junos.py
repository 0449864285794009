"""Juniper Junos (netmiko ``juniper_junos``): braces must balance and the last line is '}'."""

from __future__ import annotations

from confvault.platforms.common import URL_CREDENTIALS
from confvault.platforms.spec import REMOVED, Command, Dialogue, Platform, drop, mask

# On a virtual chassis member the prompt is preceded by a '{master:0}' line that netmiko leaves in
# the output; it is session state, not configuration.
_VC_STATE = r"^\{(?:master|backup|linecard|primary|secondary)(?::\w+)?\}$"

PLATFORM = Platform(
    name="juniper_junos",
    aliases=("junos",),
    comment_prefix="# ",
    dialogue=Dialogue(
        prompt=r"[\w.\-]+@[\w.\-:]+[>#]",  # user@router> ; '{master:0}' is a line of its own
        setup=(
            "set cli screen-width 511",
            "set cli complete-on-space off",
            "set cli screen-length 0",
        ),
        pager=r"---\(more(?: \d+%)?\)---",
        # root logs in to the FreeBSD shell ('root@r1:~ #', 'root@r1%'): start the CLI
        login_answers=((r"(?::~ ?[#$]|%)", "cli"),),
    ),
    commands=(
        # 'show version' has no volatile line: kept whole.
        Command("show version", as_comment=True, drop=(_VC_STATE,)),
        Command("show configuration", is_config=True, drop=(_VC_STATE,), read_timeout=120.0),
    ),
    error_patterns=(
        r"^unknown command\.$",
        r"^syntax error, expecting ",
        r"^error: ",
    ),
    volatile=(drop(r"^## Last commit: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ by \S+$"),),
    secrets=(
        *URL_CREDENTIALS,
        # encrypted-password "$6$..."; ## SECRET-DATA / authentication-key "$9$..."; ## SECRET-DATA
        mask(r'^(\s*\S.*?) (?:"[^"]*"|[^\s;]+); ## SECRET-DATA$', rf"\1 {REMOVED}; ## SECRET-DATA"),
        # the same hashes without the tag (older releases, 'display set' fragments)
        mask(r'"\$\d+\$[^"]*"', REMOVED),
        # snmp { community NAME { ... } }: the community name is the secret
        mask(r'^(\s*community) (?:"[^"]*"|\S+) \{$', rf"\1 {REMOVED} {{"),
    ),
    end_marker=r"^\}$",
    end_marker_label="'}'",
    balanced_braces=True,
    min_config_lines=3,
)
