"""Cisco IOS XR 7.3 on an ASR 9000: ``show running-config`` and ``show version``."""

from __future__ import annotations

import random
from datetime import datetime

from confvault_lab.generation.clock import ctime, last_change, uptime_in_words, utc
from confvault_lab.generation.edits import EditRules
from confvault_lab.generation.skeleton import Opening, Sections, StandardIdentity, sized_body
from confvault_lab.generation.values import (
    CUSTOMERS,
    SERIAL_CHARS,
    cidr,
    cisco_type7,
    community,
    crypt_hash,
    description,
    lan,
    pick,
    protocol_and_ports,
    subnet_ip,
)
from confvault_lab.lab_platform import ConfigGenerator, LabPlatform, PlatformCli, Truncation

VERSION = "7.3.2"


def draw_identity(rng: random.Random) -> StandardIdentity:
    return StandardIdentity(
        hardware_id=f"FOX{rng.randrange(1800, 2600)}{pick(rng, SERIAL_CHARS, 4)}",
        admin_hash=crypt_hash(rng, "6", 16, 86),
        community=community(rng),
        tacacs_key=cisco_type7(rng),
    )


def _timestamp(moment: datetime) -> str:
    """XR's first output line: ``Wed Nov 25 10:20:01.123 UTC``."""
    m = utc(moment)
    return f"{ctime(m)[:-5]}.{m.microsecond // 1000:03d} UTC"


def assemble_body(device: str, ident: StandardIdentity, opening: Opening, size: int) -> str:
    rng, base, mgmt, loopback = opening.rng, opening.base, opening.mgmt, opening.loopback
    asn = opening.private_asn()
    peer = opening.core_peer()
    mgmt_host = rng.randrange(10, 250)

    def port(i: int) -> list[tuple[str, str]] | None:
        # The first 24 items are the line card's ports, then dot1q sub-interfaces on them.
        if i >= 24 + 3900:
            return None
        b, o = lan(base, i)
        if i < 24:
            lines = [
                f"interface TenGigE0/0/0/{i}",
                f" description {description(rng)}",
                " mtu 9192",
            ]
            lines.append(f" ipv4 address 10.{b}.{o}.1 255.255.255.252")
        else:
            vid = 100 + (i - 24)
            lines = [f"interface TenGigE0/0/0/{i % 24}.{vid}", f" description {description(rng)}"]
            lines += [f" ipv4 address 10.{b}.{o}.1 255.255.255.0", f" encapsulation dot1q {vid}"]
        return [("ports", "\n".join([*lines, "!"]))]

    def acl(i: int) -> list[tuple[str, str]]:
        head = f"ipv4 access-list ACL-{CUSTOMERS[(i // 50) % len(CUSTOMERS)]}-{i // 50:02d}\n"
        proto, ports = protocol_and_ports(rng)
        dst = f"host {opening.lan_host()}"
        src = f"{subnet_ip(rng)} 0.0.0.255"
        line = f" {10 * (i % 50 + 1)} permit {proto} {src} {dst} eq {rng.choice(ports)}"
        tail = "\n!" if i % 50 == 49 else ""
        return [("acls", (head if i % 50 == 0 else "") + line + tail)]

    def route(i: int) -> list[tuple[str, str]]:
        hop = opening.lan_gateway()
        return [("routes", f"  {cidr(rng, (16, 20, 24))} {hop}")]

    def prefix(i: int) -> list[tuple[str, str]]:
        text = (
            f"prefix-set PS-{CUSTOMERS[(i // 30) % len(CUSTOMERS)]}-{i // 30}\n"
            if i % 30 == 0
            else ""
        )
        text += f"  {cidr(rng, range(16, 24))} le 24"
        text += "\nend-set\n!" if i % 30 == 29 else ","
        return [("prefixes", text)]

    def assemble(s: Sections) -> list[str]:
        acls = s.get("acls", [])
        prefixes = s.get("prefixes", [])
        if acls and not acls[-1].endswith("!"):
            acls = [*acls[:-1], acls[-1] + "\n!"]
        if prefixes and not prefixes[-1].endswith("!"):
            # The last set is cut short: its final entry must not carry the continuation comma.
            prefixes = [*prefixes[:-1], prefixes[-1].rstrip(",") + "\nend-set\n!"]
        return [
            "!",
            f"hostname {device}",
            "clock timezone UTC Etc/UTC",
            "logging trap informational",
            "logging console critical",
            f"logging {mgmt}.20 vrf default severity info",
            f"domain name {device.lower()}.core.example.net",
            f"tacacs-server host {mgmt}.31 port 49",
            f"tacacs-server key 7 {ident.tacacs_key}",
            "username admin",
            " group root-lr",
            " group cisco-support",
            f" secret 10 {ident.admin_hash}",
            "!",
            "aaa authentication login default group tacacs+ local",
            "line default",
            " transport input ssh",
            "!",
            f"snmp-server community {ident.community} RO",
            "ntp",
            f" server {mgmt}.123 prefer",
            f" server {mgmt}.124",
            "!",
            *acls,
            "interface Loopback0",
            f" ipv4 address {loopback} 255.255.255.255",
            "!",
            "interface MgmtEth0/RSP0/CPU0/0",
            f" ipv4 address {mgmt}.{mgmt_host} 255.255.255.0",
            "!",
            *s.get("ports", []),
            *prefixes,
            "router static",
            " address-family ipv4 unicast",
            f"  0.0.0.0/0 {mgmt}.1",
            *s.get("routes", []),
            " !",
            "!",
            f"router bgp {asn}",
            f" bgp router-id {loopback}",
            " address-family ipv4 unicast",
            " !",
            f" neighbor {peer}",
            "  remote-as 65000",
            "  description core-rr1",
            "  address-family ipv4 unicast",
            "  !",
            " !",
            "!",
            "ssh server v2",
            "ssh server vrf default",
        ]

    # room for the closing lines the assembly adds to a cut-short ACL or prefix-set
    return sized_body(
        assemble, size, (0.4, port), (0.3, acl), (0.15, route), (0.15, prefix), overhead=25
    )


def render_config(
    device: str, ident: StandardIdentity, body: str, now: datetime, session_no: int
) -> str:
    del device, ident
    changed = last_change(now, session_no)
    return (
        f"{_timestamp(now)}\nBuilding configuration...\n!! IOS XR Configuration {VERSION}\n"
        f"!! Last configuration change at {ctime(changed)} by admin\n{body}\nend"
    )


def render_version(device: str, ident: StandardIdentity, now: datetime, boot_time: datetime) -> str:
    uptime = uptime_in_words(now, boot_time)
    return f"""{_timestamp(now)}
Cisco IOS XR Software, Version {VERSION}
Copyright (c) 2013-2021 by Cisco Systems, Inc.

Build Information:
 Built By     : ingunawa
 Built On     : Wed Oct 13 20:00:36 PDT 2021
 Built Host   : iox-ucs-017
 Workspace    : /auto/srcarchive17/prod/{VERSION}/asr9k-x64/ws
 Version      : {VERSION}
 Location     : /opt/cisco/XR/packages/
 Label        : {VERSION}

cisco ASR9K () processor
System uptime is {uptime}

Chassis serial number: {ident.hardware_id}
Host name: {device}"""


def _is_static_route(line: str) -> bool:
    # "  10.20.0.0/16 10.1.0.2" under router static; prefix-set entries carry "le".
    parts = line.split()
    return (
        line.startswith("  ") and not line.startswith("   ") and len(parts) == 2 and "/" in parts[0]
    )


PLATFORM = LabPlatform(
    name="cisco_xr",
    tag="xr",
    cli=PlatformCli(
        user_prompt="RP/0/RSP0/CPU0:{name}#",
        enable_prompt=None,
        default_name="ios",
        pager_prompt=" --More-- ",
        paging_off=("terminal length 0",),
        silent_commands=("terminal width 511",),
    ),
    config_commands=("show running-config", "show run"),
    version_commands=("show version",),
    truncation=Truncation.END_KEYWORD,
    generator=ConfigGenerator(draw_identity, assemble_body, render_config, render_version),
    edits=EditRules(
        is_description=lambda line: line.startswith(" description "),
        rewrite_description=lambda line, text: f" description {text}",
        is_route=_is_static_route,
        route_after=lambda line, address: f"  {address}/32 {line.split()[1]}",
    ),
)
