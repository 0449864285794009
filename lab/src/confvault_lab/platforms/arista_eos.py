"""Arista EOS 4.28 on a DCS-7050SX3-48YC8: ``show running-config`` and ``show version``."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from confvault_lab.generation.clock import ctime, plural, uptime_parts, utc
from confvault_lab.generation.edits import ColumnRoute, EditRules
from confvault_lab.generation.skeleton import Opening, PlantedSecrets, Secret, Sections, sized_body
from confvault_lab.generation.values import (
    CUSTOMERS,
    VLAN_NAMES,
    cidr,
    cisco_type7,
    community,
    crypt_hash,
    description,
    lan,
    mac,
    protocol_and_ports,
    subnet_ip,
)
from confvault_lab.lab_platform import ConfigGenerator, LabPlatform, PlatformCli, Truncation

VERSION = "4.28.3M"
MODEL = "DCS-7050SX3-48YC8"


@dataclass(frozen=True, slots=True)
class Identity(PlantedSecrets):
    serial: str
    mac: str
    total_kb: int
    enable_hash: Secret
    admin_hash: Secret
    community: Secret
    tacacs_key: Secret


def draw_identity(rng: random.Random) -> Identity:
    base_mac = mac(rng, "444ca8")
    return Identity(
        serial=f"JPE{rng.randrange(10**7, 10**8)}",
        mac=".".join(base_mac[i : i + 4] for i in range(0, 12, 4)),
        enable_hash=crypt_hash(rng, "6", 16, 86),
        admin_hash=crypt_hash(rng, "6", 16, 86),
        community=community(rng),
        tacacs_key=cisco_type7(rng),
        total_kb=rng.choice((8099732, 16331208)),
    )


def assemble_body(device: str, ident: Identity, opening: Opening, size: int) -> str:
    rng, base, mgmt, loopback = opening.rng, opening.base, opening.mgmt, opening.loopback
    asn = opening.private_asn()
    peer = opening.core_peer()
    mgmt_host = rng.randrange(10, 250)
    names = [f"Ethernet{p}" for p in range(1, 49)] + [f"Ethernet{p}/1" for p in range(49, 57)]

    def port(i: int) -> list[tuple[str, str]] | None:
        if i >= len(names):
            return None
        lines = [f"interface {names[i]}", f"   description {description(rng)}"]
        if "/" in names[i]:
            lines += ["   mtu 9214", "   channel-group 1 mode active"]
        else:
            lines += [
                f"   switchport access vlan {100 + rng.randrange(20)}",
                "   spanning-tree portfast",
            ]
        return [("ports", "\n".join([*lines, "!"]))]

    def vlan(i: int) -> list[tuple[str, str]] | None:
        if i >= 3000:
            return None
        vid, (b, o) = 100 + i, lan(base, i)
        svi = f"interface Vlan{vid}\n   description {rng.choice(VLAN_NAMES)}\n"
        svi += f"   ip address 10.{b}.{o}.1/24\n!"
        return [
            ("vlans", f"vlan {vid}\n   name {rng.choice(VLAN_NAMES)}-{i:03d}\n!"),
            ("svis", svi),
        ]

    def acl(i: int) -> list[tuple[str, str]]:
        head = f"ip access-list ACL-{CUSTOMERS[(i // 50) % len(CUSTOMERS)]}-{i // 50:02d}\n"
        proto, ports = protocol_and_ports(rng)
        dst = f"host {opening.lan_host()}"
        src = f"{subnet_ip(rng)}/24"
        line = f"   {10 * (i % 50 + 1)} permit {proto} {src} {dst} eq {rng.choice(ports)}"
        return [("acls", (head if i % 50 == 0 else "") + line)]

    def route(i: int) -> list[tuple[str, str]]:
        hop = opening.lan_gateway()
        return [("routes", f"ip route {cidr(rng, (16, 20, 24))} {hop}")]

    def prefix(i: int) -> list[tuple[str, str]]:
        name = f"PL-{CUSTOMERS[(i // 20) % len(CUSTOMERS)]}-{i // 180}"
        line = f"ip prefix-list {name} seq {10 * (i % 20 + 1)} permit {cidr(rng, range(16, 24))}"
        return [("prefixes", line + " le 24")]

    def assemble(s: Sections) -> list[str]:
        return [
            "!",
            f"! boot system flash:/EOS-{VERSION}.swi",
            "!",
            "no aaa root",
            "!",
            f"username admin privilege 15 role network-admin secret sha512 {ident.admin_hash}",
            "!",
            "service routing protocols model multi-agent",
            "!",
            f"hostname {device}",
            f"ip name-server vrf MGMT {mgmt}.53",
            "dns domain dc.example.net",
            "!",
            f"snmp-server community {ident.community} ro",
            "!",
            "spanning-tree mode mstp",
            "!",
            f"tacacs-server host {mgmt}.31 vrf MGMT",
            f"tacacs-server key 7 {ident.tacacs_key}",
            "!",
            "aaa authentication login default group tacacs+ local",
            "!",
            f"enable password sha512 {ident.enable_hash}",
            "!",
            *s.get("vlans", []),
            "vrf instance MGMT",
            "!",
            *s.get("ports", []),
            "interface Loopback0",
            f"   ip address {loopback}/32",
            "!",
            "interface Management1",
            "   vrf MGMT",
            f"   ip address {mgmt}.{mgmt_host}/24",
            "!",
            *s.get("svis", []),
            *s.get("acls", []),
            "!",
            "ip routing",
            "no ip routing vrf MGMT",
            "!",
            *s.get("prefixes", []),
            "!",
            *s.get("routes", []),
            f"ip route vrf MGMT 0.0.0.0/0 {mgmt}.1",
            "!",
            f"ntp server vrf MGMT {mgmt}.123 prefer",
            "!",
            f"router bgp {asn}",
            f"   router-id {loopback}",
            f"   neighbor {peer} remote-as 65000",
            f"   neighbor {peer} description core-rr1",
            "   redistribute connected",
            "!",
            "management api http-commands",
            "   no shutdown",
            "   !",
            "   vrf MGMT",
            "      no shutdown",
            "!",
        ]

    return sized_body(
        assemble, size, (0.35, port), (0.25, vlan), (0.2, acl), (0.1, route), (0.1, prefix)
    )


def render_config(device: str, ident: Identity, body: str, now: datetime, session_no: int) -> str:
    del ident, session_no
    return (
        f"! Command: show running-config\n! device: {device} ({MODEL}, EOS-{VERSION})\n"
        f"! Time: {ctime(now)}\n{body}\nend"
    )


def render_version(device: str, ident: Identity, now: datetime, boot_time: datetime) -> str:
    weeks, days, hours, minutes, _ = uptime_parts(now, boot_time)
    uptime = f"{plural(weeks, 'week')}, {plural(days, 'day')}, {plural(hours, 'hour')}"
    uptime += f" and {plural(minutes, 'minute')}"
    # Free memory wanders a little on every call, like on a real switch.
    free = ident.total_kb * 3 // 4 + int(utc(now).timestamp()) % 50_000
    return f"""Arista {MODEL}
Hardware version: 11.00
Serial number: {ident.serial}
Hardware MAC address: {ident.mac}
System MAC address: {ident.mac}

Software image version: {VERSION}
Architecture: i686
Internal build version: {VERSION}-28837868.4283M
Internal build ID: 7fdc0b5b-6d5f-4a3c-9a7c-5b2c0d6c8f21
Image format version: 3.0
Image optimization: Strata-4GB

Uptime: {uptime}
Total memory: {ident.total_kb} kB
Free memory: {free} kB"""


def _invalid_input(prompt: str, line: str, token_index: int) -> str:
    tokens = line.split() or [""]
    bad = tokens[min(token_index, len(tokens) - 1)]
    return f"% Invalid input (at token {token_index}: '{bad}')"


PLATFORM = LabPlatform(
    name="arista_eos",
    tag="eos",
    cli=PlatformCli(
        user_prompt="{name}>",
        enable_prompt="{name}#",
        pager_prompt=" --More-- ",
        paging_off=("terminal length 0",),
        replies={
            "terminal length 0": "Pagination disabled.",
            "terminal width 511": "Width set to 511 columns.",
        },
        error=_invalid_input,
        config_needs_enable=True,
        enable_denied="% Access denied",
        authorisation_denied="% Authorization denied for command '{command}'",
        default_name="localhost",
    ),
    config_commands=("show running-config", "show run"),
    version_commands=("show version",),
    truncation=Truncation.END_KEYWORD,
    generator=ConfigGenerator(draw_identity, assemble_body, render_config, render_version),
    edits=EditRules.one_line_each(
        "   description ", ColumnRoute("ip route ", 3, "ip route {address}/32 {hop}", exact=True)
    ),
)
