"""Cisco IOS 15.2 on a Catalyst 3750-X stack: CLI, ``show running-config``, ``show version``."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from confvault_lab.generation.clock import hms_first, last_change, uptime_in_words
from confvault_lab.generation.edits import ColumnRoute, EditRules
from confvault_lab.generation.skeleton import Opening, PlantedSecrets, Secret, Sections, sized_body
from confvault_lab.generation.values import (
    CUSTOMERS,
    PEERS,
    SERIAL_CHARS,
    SITES,
    VLAN_NAMES,
    cidr,
    cisco_type7,
    community,
    crypt_hash,
    description,
    dotted_mask,
    lan,
    mac,
    network,
    pick,
    protocol_and_ports,
    subnet_ip,
)
from confvault_lab.lab_platform import ConfigGenerator, LabPlatform, PlatformCli, Truncation

VERSION = "15.2(4)E10"
IMAGE = "C3750E-UNIVERSALK9-M"
# The clock period drifts on every read on a real box; the body keeps this token and the renderer
# fills it, so a hand-edited body file keeps the line.
CLOCK_PERIOD_TOKEN = "@@NTP_CLOCK_PERIOD@@"  # noqa: S105 - a placeholder, not a credential


@dataclass(frozen=True, slots=True)
class Identity(PlantedSecrets):
    members: int
    serial: str
    mac: str
    enable_hash: Secret
    admin_hash: Secret
    community: Secret
    tacacs_key: Secret
    vty_password: Secret
    bgp_password: Secret


def draw_identity(rng: random.Random) -> Identity:
    return Identity(
        members=rng.randrange(1, 5),
        serial=f"FDO{rng.randrange(1500, 2600)}{pick(rng, SERIAL_CHARS, 4)}",
        mac=mac(rng, "00:1e:bd:").replace(":", ""),
        enable_hash=crypt_hash(rng, "9", 14, 43),
        admin_hash=crypt_hash(rng, "9", 14, 43),
        community=community(rng),
        tacacs_key=cisco_type7(rng),
        vty_password=cisco_type7(rng),
        bgp_password=cisco_type7(rng),
    )


def assemble_body(device: str, ident: Identity, opening: Opening, size: int) -> str:
    rng, base, mgmt, loopback = opening.rng, opening.base, opening.mgmt, opening.loopback
    asn = opening.private_asn()
    peers = [opening.core_peer() for _ in range(2)]
    domain = f"{rng.choice(SITES)}.corp.example.net"
    row = rng.choice("ABCD")
    ports = [
        f"{kind}{m}/{slot}/{p}"
        for m in range(1, ident.members + 1)
        for kind, slot, count in (("GigabitEthernet", 0, 48), ("TenGigabitEthernet", 1, 4))
        for p in range(1, count + 1)
    ]
    compact = size < 6000

    def port(i: int) -> list[tuple[str, str]] | None:
        if i >= len(ports):
            return None
        name = ports[i]
        if name.startswith("Ten"):
            body = [
                " switchport trunk encapsulation dot1q",
                " switchport mode trunk",
                " channel-group 1 mode active" if i % 2 else " ip dhcp snooping trust",
            ]
        elif rng.random() < 0.15:
            return [("ports", f"interface {name}\n shutdown\n!")]
        else:
            vlan = 10 * rng.randrange(1, 20)
            body = [
                f" switchport access vlan {vlan}",
                " switchport mode access",
                f" switchport voice vlan {vlan + 1}"
                if rng.random() < 0.4
                else " storm-control broadcast level 5.00",
                " spanning-tree portfast",
            ]
        return [
            (
                "ports",
                "\n".join([f"interface {name}", f" description {description(rng)}", *body, "!"]),
            )
        ]

    def vlan(i: int) -> list[tuple[str, str]] | None:
        if i >= 1000:
            return None
        b, o = lan(base, i)
        vid = 100 + i
        svi = [
            f"interface Vlan{vid}",
            f" description {rng.choice(VLAN_NAMES)} {rng.choice(SITES)}-{i:03d}",
            f" ip address 10.{b}.{o}.1 255.255.255.0",
            f" ip helper-address {mgmt}.{rng.randrange(10, 20)}",
            " no ip redirects",
            "!",
        ]
        return [
            ("vlans", f"vlan {vid}\n name {rng.choice(VLAN_NAMES)}-{i:03d}\n!"),
            ("svis", "\n".join(svi)),
        ]

    def acl(i: int) -> list[tuple[str, str]]:
        text = ""
        if i % 40 == 0:
            text = f"ip access-list extended ACL-{rng.choice(CUSTOMERS)}-{i // 40:02d}-IN\n"
        proto, ports_ = protocol_and_ports(rng)
        src = f"{subnet_ip(rng)} 0.0.0.255" if rng.random() < 0.6 else "any"
        dst = f"host {opening.lan_host()}"
        text += f" permit {proto} {src} {dst} eq {rng.choice(ports_)}"
        return [("acls", text)]

    def route(i: int) -> list[tuple[str, str]]:
        length = rng.choice((16, 20, 22, 24, 24, 24))
        net = network(rng, length)
        hop = f"{mgmt}.{rng.randrange(2, 6)}"
        return [
            (
                "routes",
                f"ip route {net} {dotted_mask(length)} {hop} name {rng.choice(CUSTOMERS)}-{i}",
            )
        ]

    def prefix(i: int) -> list[tuple[str, str]]:
        name = f"PL-{CUSTOMERS[(i // 20) % len(CUSTOMERS)]}-{i // 180}"
        entry = f"seq {5 * (i % 20 + 1)} permit {cidr(rng, range(16, 24))} le 24"
        line = f"ip prefix-list {name} {entry}"
        return [("prefixes", line)]

    def assemble(s: Sections) -> list[str]:
        head = [
            "!",
            "version 15.2",
            "no service pad",
            "service timestamps debug datetime msec localtime show-timezone",
            "service timestamps log datetime msec localtime show-timezone",
            "service password-encryption",
            "!",
            f"hostname {device}",
            "!",
            "boot-start-marker",
            "boot-end-marker",
            "!",
            "logging buffered 64000 informational",
            f"enable secret 9 {ident.enable_hash}",
            "!",
            f"username admin privilege 15 secret 9 {ident.admin_hash}",
            "aaa new-model",
            "!",
            "aaa authentication login default group tacacs+ local",
            "aaa authorization exec default group tacacs+ local",
        ]
        if not compact:
            head += [
                "aaa accounting commands 15 default start-stop group tacacs+",
                "!",
                "aaa session-id common",
                "clock timezone UTC 0 0",
                *(f"switch {m} provision ws-c3750x-48p" for m in range(1, ident.members + 1)),
                "system mtu routing 1500",
                "ip routing",
                "!",
                f"ip domain-name {domain}",
                f"ip name-server {mgmt}.53",
                "ip dhcp snooping",
                "vtp mode transparent",
                "!",
                "spanning-tree mode rapid-pvst",
                "spanning-tree extend system-id",
                "!",
            ]
        body = [
            *head,
            *s.get("vlans", []),
            "interface Loopback0",
            f" ip address {loopback} 255.255.255.255",
            "!",
            "interface FastEthernet0",
            " no ip address",
            " shutdown",
            "!",
            *s.get("ports", []),
            *s.get("svis", []),
            f"router bgp {asn}",
            f" bgp router-id {loopback}",
            " bgp log-neighbor-changes",
        ]
        for n, peer in enumerate(peers[: 1 if compact else 2]):
            body += [
                f" neighbor {peer} remote-as {65000 + n}",
                f" neighbor {peer} description {PEERS[n]}-{domain.split('.')[0]}",
                f" neighbor {peer} password 7 {ident.bgp_password}",
            ]
        body += [
            "!",
            "ip forward-protocol nd",
            "no ip http server",
            "no ip http secure-server",
            "!",
            f"ip route 0.0.0.0 0.0.0.0 {mgmt}.1",
            *s.get("routes", []),
            "ip ssh version 2",
            "!",
            "ip access-list standard VTY-ACCESS",
            f" permit {mgmt}.0 0.0.0.255",
            *s.get("acls", []),
            "!",
            *s.get("prefixes", []),
            f"logging host {mgmt}.20",
            f"snmp-server community {ident.community} RO VTY-ACCESS",
            f"snmp-server location {domain.split('.')[0].upper()} DC1 row {row}",
            f"tacacs-server host {mgmt}.31",
            f"tacacs-server key 7 {ident.tacacs_key}",
            "!",
        ]
        if not compact:
            body += [
                "snmp-server contact noc@example.net",
                "snmp-server enable traps snmp linkdown linkup",
                "banner motd ^C",
                "Authorized access only. Activity is logged.",
                "^C",
                "!",
                "line con 0",
                " exec-timeout 15 0",
                " logging synchronous",
            ]
        body += [
            "line vty 0 4",
            " access-class VTY-ACCESS in",
            " exec-timeout 15 0",
            f" password 7 {ident.vty_password}",
            " transport input ssh",
            "line vty 5 15",
            " transport input none",
            "!",
            f"ntp clock-period {CLOCK_PERIOD_TOKEN}",
            f"ntp server {mgmt}.123 prefer",
            f"ntp server {mgmt}.124",
        ]
        return body

    return sized_body(
        assemble, size, (0.40, port), (0.20, vlan), (0.20, acl), (0.10, route), (0.10, prefix)
    )


def render_config(device: str, ident: Identity, body: str, now: datetime, session_no: int) -> str:
    del device, ident
    changed = last_change(now, session_no)
    period = 17179869 + (session_no * 2654435761) % 4001 - 2000
    config = body.replace(CLOCK_PERIOD_TOKEN, str(period), 1)
    header = (
        "!\n"
        f"! Last configuration change at {hms_first(changed)} by admin\n"
        f"! NVRAM config last updated at {hms_first(changed + timedelta(seconds=3))} by admin\n"
    )
    text = header + config + "\nend"
    return f"Building configuration...\n\nCurrent configuration : {len(text) + 1} bytes\n{text}"


def render_version(device: str, ident: Identity, now: datetime, boot_time: datetime) -> str:
    uptime = uptime_in_words(now, boot_time)
    switches = "\n".join(
        f"{'*' if m == 1 else ' '}    {m} 54    WS-C3750X-48P      {VERSION:<18} {IMAGE}"
        for m in range(1, ident.members + 1)
    )
    release = f"Version {VERSION}, RELEASE SOFTWARE (fc2)"
    return f"""Cisco IOS Software, C3750E Software ({IMAGE}), {release}
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2020 by Cisco Systems, Inc.
Compiled Tue 31-Mar-20 22:08 by prod_rel_team

ROM: Bootstrap program is C3750E boot loader
BOOTLDR: C3750E Boot Loader (C3750X-HBOOT-M) Version 15.2(3r)E, RELEASE SOFTWARE (fc1)

{device} uptime is {uptime}
System returned to ROM by power-on
System restarted at {hms_first(boot_time)}
System image file is "flash:/c3750e-universalk9-mz.152-4.E10/c3750e-universalk9-mz.152-4.E10.bin"
Last reload reason: power-on

cisco WS-C3750X-48P (PowerPC405) processor (revision W0) with 262144K bytes of memory.
Processor board ID {ident.serial}
Last reset from power-on
{ident.members * 4 + 1} Virtual Ethernet interfaces
{ident.members * 48} Gigabit Ethernet interfaces
{ident.members * 4} Ten Gigabit Ethernet interfaces
The password-recovery mechanism is enabled.

512K bytes of flash-simulated non-volatile configuration memory.
Base ethernet MAC Address       : {":".join(ident.mac[i : i + 2] for i in range(0, 12, 2)).upper()}
Model number                    : WS-C3750X-48P-S
System serial number            : {ident.serial}

Switch Ports Model              SW Version        SW Image
------ ----- -----              ----------        ----------
{switches}

Configuration register is 0xF"""


# 'show inventory' of a two-member 3750-X stack, in the layout Cisco's command reference shows.
SHOW_INVENTORY = """NAME: "1", DESCR: "WS-C3750X-48P"
PID: WS-C3750X-48P-S   , VID: V07  , SN: FDO1842X0AB

NAME: "Switch 1 - Power Supply 0", DESCR: "FRU Power Supply"
PID: C3KX-PWR-715WAC   , VID: V02  , SN: LIT18270F1K

NAME: "Switch 1 - FlexStackPort", DESCR: "Switch 1 - FlexStackPort"
PID: C3KX-NM-10G       , VID: V03  , SN: FDO18420Q7C

NAME: "2", DESCR: "WS-C3750X-48P"
PID: WS-C3750X-48P-S   , VID: V07  , SN: FDO1842X0CD

NAME: "Switch 2 - Power Supply 0", DESCR: "FRU Power Supply"
PID: C3KX-PWR-715WAC   , VID: V02  , SN: LIT18270F2M"""

PLATFORM = LabPlatform(
    name="cisco_ios",
    tag="ios",
    cli=PlatformCli(
        user_prompt="{name}>",
        enable_prompt="{name}#",
        pager_prompt=" --More-- ",
        paging_off=("terminal length 0",),
        silent_commands=("terminal width 511",),
        show_replies={"show inventory": SHOW_INVENTORY},
        config_needs_enable=True,
        default_name="Switch",  # a Catalyst; routers say 'Router'
    ),
    config_commands=("show running-config", "show run"),
    version_commands=("show version", "show ver"),
    truncation=Truncation.END_KEYWORD,
    generator=ConfigGenerator(draw_identity, assemble_body, render_config, render_version),
    edits=EditRules.one_line_each(
        " description ",
        ColumnRoute("ip route ", 4, "ip route {address} 255.255.255.255 {hop}", not_vrf=True),
    ),
)
