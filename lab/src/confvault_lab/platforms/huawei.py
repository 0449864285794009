"""Huawei VRP V200R011 on an S5720: ``display current-configuration`` and ``display version``."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from confvault_lab.device_errors import caret_error
from confvault_lab.generation.clock import iso, last_change, plural, uptime_parts
from confvault_lab.generation.edits import ColumnRoute, EditRules
from confvault_lab.generation.skeleton import Opening, Sections, StandardIdentity, sized_body
from confvault_lab.generation.values import (
    CUSTOMERS,
    VLAN_NAMES,
    description,
    dotted_mask,
    huawei_cipher,
    huawei_irreversible,
    lan,
    mac,
    network,
    protocol_and_ports,
    subnet_ip,
)
from confvault_lab.lab_platform import ConfigGenerator, LabPlatform, PlatformCli, Truncation

VERSION = "V200R011C10SPC600"
MODEL = "S5720-52X-EI-AC"


def draw_identity(rng: random.Random) -> StandardIdentity:
    return StandardIdentity(
        hardware_id="800007DB03" + mac(rng, "4c1fcc").upper(),
        admin_hash=huawei_irreversible(rng),
        community=huawei_cipher(rng),
        tacacs_key=huawei_cipher(rng, 32),
    )


def assemble_body(device: str, ident: StandardIdentity, opening: Opening, size: int) -> str:
    rng, base, mgmt, loopback = opening.rng, opening.base, opening.mgmt, opening.loopback
    mgmt_host = rng.randrange(10, 250)
    ports = [f"GigabitEthernet0/0/{p}" for p in range(1, 49)] + [
        f"XGigabitEthernet0/0/{p}" for p in range(1, 5)
    ]

    def port(i: int) -> list[tuple[str, str]] | None:
        if i >= len(ports):
            return None
        lines = [f"interface {ports[i]}", f" description {description(rng)}"]
        if ports[i].startswith("X"):
            lines += [" port link-type trunk", " port trunk allow-pass vlan 2 to 4094"]
        else:
            vid = 100 + rng.randrange(20)
            lines += [
                " port link-type access",
                f" port default vlan {vid}",
                " stp edged-port enable",
            ]
        return [("ports", "\n".join([*lines, "#"]))]

    def vlan(i: int) -> list[tuple[str, str]] | None:
        if i >= 3000:
            return None
        vid, (b, o) = 100 + i, lan(base, i)
        vlanif = f"interface Vlanif{vid}\n description {rng.choice(VLAN_NAMES)}\n"
        vlanif += f" ip address 10.{b}.{o}.1 255.255.255.0\n dhcp select relay\n#"
        return [
            ("vlans", f"vlan {vid}\n name {rng.choice(VLAN_NAMES)}-{i:03d}\n#"),
            ("vlanifs", vlanif),
        ]

    def rule(i: int) -> list[tuple[str, str]]:
        head = ("#\n" if i else "") + f"acl number {3001 + i // 40}\n" if i % 40 == 0 else ""
        proto, ports_ = protocol_and_ports(rng)
        dst = f"{opening.lan_host()}"
        line = f" rule {5 * (i % 40 + 1)} permit {proto} source {subnet_ip(rng)} 0.0.0.255"
        return [
            ("acls", f"{head}{line} destination {dst} 0 destination-port eq {rng.choice(ports_)}")
        ]

    def route(i: int) -> list[tuple[str, str]]:
        hop = opening.lan_gateway()
        length = rng.choice((16, 20, 24))
        net, mask = network(rng, length), dotted_mask(length)
        return [
            ("routes", f" ip route-static {net} {mask} {hop} description {rng.choice(CUSTOMERS)}")
        ]

    def assemble(s: Sections) -> list[str]:
        acls = s.get("acls", [])
        return [
            "#",
            f" sysname {device}",
            "#",
            *s.get("vlans", []),
            " stp instance 0 priority 8192",
            "#",
            " dhcp enable",
            "#",
            "aaa",
            " authentication-scheme default",
            " authentication-scheme tacacs",
            "  authentication-mode hwtacacs local",
            " authorization-scheme default",
            " accounting-scheme default",
            " domain default",
            "  authentication-scheme tacacs",
            "  hwtacacs-server tac",
            " domain default_admin",
            f" local-user admin password irreversible-cipher {ident.admin_hash}",
            " local-user admin privilege level 15",
            " local-user admin service-type terminal ssh",
            "#",
            "hwtacacs-server template tac",
            f" hwtacacs-server authentication {mgmt}.31",
            f" hwtacacs-server shared-key cipher {ident.tacacs_key}",
            "#",
            *s.get("vlanifs", []),
            "interface MEth0/0/1",
            f" ip address {mgmt}.{mgmt_host} 255.255.255.0",
            "#",
            *s.get("ports", []),
            "interface LoopBack0",
            f" ip address {loopback} 255.255.255.255",
            "#",
            *acls,
            *(["#"] if acls else []),
            f"ospf 1 router-id {loopback}",
            " area 0.0.0.0",
            f"  network 10.{base}.0.0 0.0.255.255",
            "#",
            f" ip route-static 0.0.0.0 0.0.0.0 {mgmt}.1",
            *s.get("routes", []),
            "#",
            " snmp-agent",
            f" snmp-agent local-engineid {ident.hardware_id}",
            f" snmp-agent community read cipher {ident.community}",
            " snmp-agent sys-info version v2c v3",
            "#",
            f" ntp-service unicast-server {mgmt}.123",
            "#",
            " stelnet server enable",
            " ssh user admin authentication-type password",
            " ssh user admin service-type stelnet",
            "#",
            "user-interface con 0",
            " authentication-mode aaa",
            "user-interface vty 0 4",
            " authentication-mode aaa",
            " protocol inbound ssh",
            "#",
        ]

    # the '#' that closes the ACL block appears only once there is an ACL
    return sized_body(
        assemble, size, (0.35, port), (0.3, vlan), (0.25, rule), (0.1, route), overhead=3
    )


def _stamp(moment: datetime) -> str:
    return f"{iso(moment)}+00:00"


def render_config(
    device: str, ident: StandardIdentity, body: str, now: datetime, session_no: int
) -> str:
    del device, ident
    changed = last_change(now, session_no)
    return (
        f"!Software Version {VERSION}\n"
        f"!Last configuration was updated at {_stamp(changed)} by admin\n"
        f"!Last configuration was saved at {_stamp(changed + timedelta(seconds=3))} by admin\n"
        f"{body}\nreturn"
    )


def render_version(device: str, ident: StandardIdentity, now: datetime, boot_time: datetime) -> str:
    del device, ident
    weeks, days, hours, minutes, _ = uptime_parts(now, boot_time)
    days_text = plural(weeks * 7 + days, "day")
    uptime = f"{days_text}, {plural(hours, 'hour')}, {plural(minutes, 'minute')}"
    return f"""Huawei Versatile Routing Platform Software
VRP (R) software, Version 5.170 ({MODEL[:5]} {VERSION})
Copyright (C) 2000-2019 HUAWEI TECH CO., LTD
HUAWEI {MODEL} Routing Switch uptime is {uptime}

ES5D2V52S003 0(Master) : uptime is {uptime}
DRAM memory size     : 512    M bytes
FLASH total memory   : 512    M bytes
FLASH available memory  : 376    M bytes
Pcb      Version   : VER.B
Basic BOOTROM Version   : 0262 Compiled at Aug 23 2018, 15:34:58
CPLD   Version   : 0106
Software Version   : VRP (R) Software, Version 5.170 ({VERSION})"""


PLATFORM = LabPlatform(
    name="huawei",
    tag="vrp",
    cli=PlatformCli(
        user_prompt="<{name}>",
        enable_prompt=None,
        default_name="HUAWEI",
        pager_prompt="  ---- More ----",
        paging_off=("screen-length 0 temporary",),
        replies={
            "screen-length 0 temporary": (
                "Info: The configuration takes effect on the current user terminal interface only."
            ),
        },
        error=caret_error("Error: Unrecognized command found at '^' position."),
        login_question="Warning: The password has expired.\r\n"
        "The password needs to be changed. Change now? [Y/N]: ",
        login_continue=("n",),
    ),
    config_commands=("display current-configuration",),
    version_commands=("display version",),
    truncation=Truncation.END_KEYWORD,
    generator=ConfigGenerator(draw_identity, assemble_body, render_config, render_version),
    edits=EditRules.one_line_each(
        " description ",
        ColumnRoute(" ip route-static ", 4, " ip route-static {address} 255.255.255.255 {hop}"),
    ),
)
