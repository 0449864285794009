"""HPE / H3C Comware (netmiko ``hp_comware``)."""

from __future__ import annotations

from confvault.platforms.common import VRP_FAMILY_PAGER, VRP_FAMILY_PROMPT, VRP_FAMILY_SECRETS
from confvault.platforms.spec import Command, Dialogue, Platform, drop, mask

PLATFORM = Platform(
    name="hp_comware",
    aliases=("comware",),
    comment_prefix="# ",
    dialogue=Dialogue(
        prompt=VRP_FAMILY_PROMPT,
        setup=("screen-length disable",),
        pager=VRP_FAMILY_PAGER,
        login_answers=((r"Press Y or ENTER to continue, N to exit\.?", ""),),
    ),
    commands=(
        Command("display version", as_comment=True),
        Command("display current-configuration", is_config=True, read_timeout=120.0),
    ),
    error_patterns=(
        r"^% (?:Unrecognized|Incomplete|Ambiguous) command found at '\^' position\.",
        r"^% (?:Too many parameters|Wrong parameter) found at '\^' position\.",
    ),
    volatile=(
        # "HPE 5130-24G-4SFP+ EI uptime is 0 weeks, 1 day, 2 hours, 3 minutes": keep the model.
        mask(r"^(\S.*?)\s*\buptime is \d+ (?:weeks?|days?|hours?|minutes?)\b.*$", r"\1"),
        drop(r"^Uptime is \d+ weeks?, ?\d+ days?"),  # per-slot uptime
        drop(r"^Last reboot reason\s*: "),
        drop(r"^Reboot Cause\s*: "),
    ),
    secrets=VRP_FAMILY_SECRETS,
    end_marker=r"^return$",
    min_config_lines=3,
)
