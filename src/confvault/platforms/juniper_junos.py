"""Juniper Junos (netmiko ``juniper_junos``): braces must balance and the last line is '}'."""

from __future__ import annotations

from confvault.platforms.common import URL_CREDENTIALS
from confvault.platforms.spec import REMOVED, Command, Dialogue, Platform, drop, mask

# On a virtual chassis member ('{master:0}') or a chassis cluster node ('{primary:node0}') the
# prompt is preceded by a line of its own that netmiko leaves in the output: session state.
_VC_STATE = (
    r"^\{(?:master|backup|linecard|primary|secondary|secondary-hold|hold|ineligible|disabled|lost)"
    r"(?::[\w-]+)?\}$"
)

PLATFORM = Platform(
    name="juniper_junos",
    aliases=("junos",),
    comment_prefix="# ",
    dialogue=Dialogue(
        # 'user@router> ', or 'user> ' on a device without a host-name; '{master:0}' and
        # '{primary:node0}' come on a line of their own before it
        prompt=r"(?:[\w.\-]+@)?[\w.\-:]+[>#]",
        setup=(
            "set cli screen-width 511",
            "set cli complete-on-space off",
            "set cli screen-length 0",
        ),
        pager=r"---\(more(?: \d+%)?\)---",
        # root logs in to the FreeBSD shell ('root@r1:~ #', 'root@r1%'): start the CLI
        login_answers=((r"(?::~ ?[#$]|%)", "cli"),),
        prompt_preamble=_VC_STATE,
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
