"""Huawei VRP (netmiko ``huawei``)."""

from __future__ import annotations

from confvault.platforms.common import VRP_FAMILY_PAGER, VRP_FAMILY_PROMPT, VRP_FAMILY_SECRETS
from confvault.platforms.spec import Command, Dialogue, Platform, drop, mask

PLATFORM = Platform(
    name="huawei",
    aliases=("vrp", "huawei_vrp"),
    comment_prefix="# ",
    dialogue=Dialogue(
        prompt=VRP_FAMILY_PROMPT,
        setup=("screen-length 0 temporary",),
        pager=VRP_FAMILY_PAGER,
        # an expired or default password: netmiko answers N and carries on
        login_answers=((r"(?:Change now|Please choose).*\[Y/N\]:?", "N"),),
    ),
    commands=(
        # Kept whole but for memory use; the uptime tail is cut by the volatile rules below.
        Command("display version", as_comment=True, drop=(r"(?i)^FLASH\s+available\b",)),
        Command("display current-configuration", is_config=True, read_timeout=120.0),
    ),
    error_patterns=(r"^Error: ",),
    volatile=(
        drop(r"^!Last configuration was (?:updated|saved) at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d"),
        # "HUAWEI S5720-28X-SI-AC Routing Switch uptime is 12 days, 3 hours, 4 minutes": the
        # model is a stable fact, the uptime is not.
        mask(r"^(\S.*?)\s*\buptime is \d+ (?:weeks?|days?|hours?|minutes?)\b.*$", r"\1"),
        # Some releases print the time before every 'display' output ('timestamp enable').
        drop(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d)?$"),
    ),
    secrets=VRP_FAMILY_SECRETS,
    end_marker=r"^return$",
    min_config_lines=3,
)
