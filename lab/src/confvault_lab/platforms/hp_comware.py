"""HPE/H3C Comware 7 on an S6850: ``display current-configuration`` and ``display version``."""

from __future__ import annotations

import random
from datetime import datetime

from confvault_lab.device_errors import caret_error
from confvault_lab.generation.clock import uptime_in_words
from confvault_lab.generation.edits import ColumnRoute, EditRules
from confvault_lab.generation.skeleton import Opening, Sections, StandardIdentity, sized_body
from confvault_lab.generation.values import (
    CUSTOMERS,
    VLAN_NAMES,
    comware_cipher,
    comware_hash,
    description,
    lan,
    mac,
    network,
    protocol_and_ports,
    subnet_ip,
)
from confvault_lab.lab_platform import ConfigGenerator, LabPlatform, PlatformCli, Truncation

RELEASE = "7.1.070, Release 6635P07"
MODEL = "S6850-56HF"


def draw_identity(rng: random.Random) -> StandardIdentity:
    return StandardIdentity(
        hardware_id="800063A280" + mac(rng, "70baef").upper() + "00000001",
        admin_hash=comware_hash(rng),
        community=comware_cipher(rng),
        tacacs_key=comware_cipher(rng),
    )


def assemble_body(device: str, ident: StandardIdentity, opening: Opening, size: int) -> str:
    rng, base, mgmt, loopback = opening.rng, opening.base, opening.mgmt, opening.loopback
    mgmt_host = rng.randrange(10, 250)
    ports = [f"Twenty-FiveGigE1/0/{p}" for p in range(1, 49)] + [
        f"HundredGigE1/0/{p}" for p in range(49, 57)
    ]

    def port(i: int) -> list[tuple[str, str]] | None:
        if i >= len(ports):
            return None
        lines = [
            f"interface {ports[i]}",
            " port link-mode bridge",
            f" description {description(rng)}",
        ]
        if ports[i].startswith("Hundred"):
            lines += [
                " port link-type trunk",
                " port trunk permit vlan all",
                " port link-aggregation group 1",
            ]
        else:
            lines += [f" port access vlan {100 + rng.randrange(20)}", " stp edged-port"]
        return [("ports", "\n".join([*lines, "#"]))]

    def vlan(i: int) -> list[tuple[str, str]] | None:
        if i >= 3000:
            return None
        vid, (b, o) = 100 + i, lan(base, i)
        svi = f"interface Vlan-interface{vid}\n ip address 10.{b}.{o}.1 255.255.255.0\n#"
        return [
            ("vlans", f"vlan {vid}\n name {rng.choice(VLAN_NAMES)}-{i:03d}\n#"),
            ("svis", svi),
        ]

    def rule(i: int) -> list[tuple[str, str]]:
        head = (("#\n" if i else "") + f"acl advanced {3001 + i // 40}\n") if i % 40 == 0 else ""
        proto, ports_ = protocol_and_ports(rng)
        dst = f"{opening.lan_host()}"
        line = f" rule {5 * (i % 40)} permit {proto} source {subnet_ip(rng)} 0.0.0.255"
        return [
            ("acls", f"{head}{line} destination {dst} 0 destination-port eq {rng.choice(ports_)}")
        ]

    def route(i: int) -> list[tuple[str, str]]:
        hop = opening.lan_gateway()
        length = rng.choice((16, 20, 24))
        return [
            (
                "routes",
                f" ip route-static {network(rng, length)} {length} {hop}"
                f" description {rng.choice(CUSTOMERS)}",
            )
        ]

    def assemble(s: Sections) -> list[str]:
        acls = s.get("acls", [])
        return [
            "#",
            f" version {RELEASE}",
            "#",
            f" sysname {device}",
            "#",
            " clock timezone UTC add 00:00:00",
            "#",
            " irf mac-address persistent timer",
            " irf auto-update enable",
            "#",
            " lldp global enable",
            "#",
            " system-working-mode standard",
            " password-recovery enable",
            "#",
            "vlan 1",
            "#",
            *s.get("vlans", []),
            " stp global enable",
            "#",
            "interface NULL0",
            "#",
            "interface LoopBack0",
            f" ip address {loopback} 255.255.255.255",
            "#",
            *s.get("svis", []),
            "interface M-GigabitEthernet0/0/0",
            f" ip address {mgmt}.{mgmt_host} 255.255.255.0",
            "#",
            *s.get("ports", []),
            *acls,
            *(["#"] if acls else []),
            f" ip route-static 0.0.0.0 0 {mgmt}.1",
            *s.get("routes", []),
            "#",
            f" info-center loghost {mgmt}.20",
            "#",
            " snmp-agent",
            f" snmp-agent local-engineid {ident.hardware_id}",
            f" snmp-agent community read cipher {ident.community}",
            " snmp-agent sys-info version v2c v3",
            "#",
            " ssh server enable",
            "#",
            f" ntp-service unicast-server {mgmt}.123",
            "#",
            "hwtacacs scheme tac",
            f" primary authentication {mgmt}.31",
            f" primary authorization {mgmt}.31",
            f" key authentication cipher {ident.tacacs_key}",
            " user-name-format without-domain",
            "#",
            "domain system",
            " authentication login hwtacacs-scheme tac local",
            "#",
            " domain default enable system",
            "#",
            "role name level-15",
            "#",
            "local-user admin class manage",
            f" password hash {ident.admin_hash}",
            " service-type ssh terminal",
            " authorization-attribute user-role network-admin",
            "#",
            "line class console",
            " user-role network-admin",
            "#",
            "line vty 0 63",
            " authentication-mode scheme",
            " user-role network-operator",
            "#",
        ]

    # the '#' that closes the ACL block appears only once there is an ACL
    return sized_body(
        assemble, size, (0.35, port), (0.3, vlan), (0.25, rule), (0.1, route), overhead=3
    )


def render_config(
    device: str, ident: StandardIdentity, body: str, now: datetime, session_no: int
) -> str:
    del device, ident, now, session_no  # Comware prints no volatile line in its configuration
    return f"{body}\nreturn"


def render_version(device: str, ident: StandardIdentity, now: datetime, boot_time: datetime) -> str:
    del device, ident
    uptime = uptime_in_words(now, boot_time)
    return f"""H3C Comware Software, Version {RELEASE}
Copyright (c) 2004-2022 New H3C Technologies Co., Ltd. All rights reserved.
H3C {MODEL} uptime is {uptime}
Last reboot reason : Cold reboot

Boot image: flash:/{MODEL[:5]}-CMW710-BOOT-R6635P07.bin
Boot image version: {RELEASE}
  Compiled Jun 30 2022 11:00:00
System image: flash:/{MODEL[:5]}-CMW710-SYSTEM-R6635P07.bin
System image version: {RELEASE}
  Compiled Jun 30 2022 11:00:00

Slot 1:
{MODEL} with 2 Processors
BOARD TYPE:         {MODEL}
DRAM:               8192M bytes
FLASH:              4096M bytes
PCB 1 Version:      VER.A
Bootrom Version:    121
CPLD 1 Version:     004
Release Version:    H3C {MODEL}-6635P07"""


PLATFORM = LabPlatform(
    name="hp_comware",
    tag="comware",
    cli=PlatformCli(
        user_prompt="<{name}>",
        enable_prompt=None,
        default_name="H3C",
        pager_prompt="---- More ----",
        paging_off=("screen-length disable",),
        replies={
            "screen-length disable": "% Screen-length configuration is disabled for current user.",
        },
        error=caret_error("% Unrecognized command found at '^' position."),
        login_question="Press Y or ENTER to continue, N to exit.",
        login_continue=("", "y"),
    ),
    config_commands=("display current-configuration",),
    version_commands=("display version",),
    truncation=Truncation.END_KEYWORD,
    generator=ConfigGenerator(draw_identity, assemble_body, render_config, render_version),
    edits=EditRules.one_line_each(
        " description ",
        ColumnRoute(" ip route-static ", 3, " ip route-static {address} 32 {hop}"),
    ),
)
