"""Arista EOS 4.28 on a DCS-7050SX3-48YC8: ``show running-config`` and ``show version``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from confvault_lab.configgen import _common as c
from confvault_lab.configgen._spec import PlatformGenerator

NAME = "arista_eos"
VERSION = "4.28.3M"
MODEL = "DCS-7050SX3-48YC8"


@dataclass(frozen=True, slots=True)
class _Identity:
    serial: str
    mac: str
    enable_hash: str
    admin_hash: str
    community: str
    tacacs_key: str
    total_kb: int


def _identity(device: str) -> _Identity:
    rng = c.identity_rng(NAME, device, "identity")
    mac = c.mac(rng, "444ca8")
    return _Identity(
        serial=f"JPE{rng.randrange(10**7, 10**8)}",
        mac=".".join(mac[i : i + 4] for i in range(0, 12, 4)),
        enable_hash=c.crypt_hash(rng, "6", 16, 86),
        admin_hash=c.crypt_hash(rng, "6", 16, 86),
        community=c.community(rng),
        tacacs_key=c.cisco_type7(rng),
        total_kb=rng.choice((8099732, 16331208)),
    )


def planted_secrets(device: str) -> tuple[str, ...]:
    i = _identity(device)
    return (i.enable_hash, i.admin_hash, i.community, i.tacacs_key)


def generate_body(device: str, size: int) -> str:
    ident = _identity(device)
    rng = c.body_rng(NAME, device, size)
    base = rng.randrange(0, 200)
    mgmt = f"10.{rng.randrange(200, 250)}.{rng.randrange(256)}"
    loopback = f"10.255.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    asn = rng.randrange(64512, 65500)
    peer = f"10.254.{rng.randrange(256)}.{rng.randrange(1, 254, 2)}"
    mgmt_host = rng.randrange(10, 250)
    names = [f"Ethernet{p}" for p in range(1, 49)] + [f"Ethernet{p}/1" for p in range(49, 57)]

    def port(i: int) -> list[tuple[str, str]] | None:
        if i >= len(names):
            return None
        lines = [f"interface {names[i]}", f"   description {c.description(rng)}"]
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
        vid, (b, o) = 100 + i, c.lan(base, i)
        svi = f"interface Vlan{vid}\n   description {rng.choice(c.VLAN_NAMES)}\n"
        svi += f"   ip address 10.{b}.{o}.1/24\n!"
        return [
            ("vlans", f"vlan {vid}\n   name {rng.choice(c.VLAN_NAMES)}-{i:03d}\n!"),
            ("svis", svi),
        ]

    def acl(i: int) -> list[tuple[str, str]]:
        head = f"ip access-list ACL-{c.CUSTOMERS[(i // 50) % len(c.CUSTOMERS)]}-{i // 50:02d}\n"
        proto, ports = ("tcp", c.TCP_PORTS) if rng.random() < 0.7 else ("udp", c.UDP_PORTS)
        dst = f"host 10.{base}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        src = f"{c.subnet_ip(rng)}/24"
        line = f"   {10 * (i % 50 + 1)} permit {proto} {src} {dst} eq {rng.choice(ports)}"
        return [("acls", (head if i % 50 == 0 else "") + line)]

    def route(i: int) -> list[tuple[str, str]]:
        hop = f"10.{base}.0.{rng.randrange(2, 6)}"
        return [("routes", f"ip route {c.cidr(rng, (16, 20, 24))} {hop}")]

    def prefix(i: int) -> list[tuple[str, str]]:
        name = f"PL-{c.CUSTOMERS[(i // 20) % len(c.CUSTOMERS)]}-{i // 180}"
        line = f"ip prefix-list {name} seq {10 * (i % 20 + 1)} permit {c.cidr(rng, range(16, 24))}"
        return [("prefixes", line + " le 24")]

    def assemble(s: dict[str, list[str]]) -> str:
        body = [
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
        return "\n".join(body)

    fixed = len(assemble({})) + 1
    kinds: list[tuple[float, c.ItemMaker]] = [
        (0.35, port),
        (0.25, vlan),
        (0.2, acl),
        (0.1, route),
        (0.1, prefix),
    ]
    return assemble(c.fill_sections(size - fixed, kinds))


def render_config(device: str, body: str, now: datetime, session_no: int) -> str:
    del session_no
    return (
        f"! Command: show running-config\n! device: {device} ({MODEL}, EOS-{VERSION})\n"
        f"! Time: {c.ctime(now)}\n{body}\nend"
    )


def render_version(device: str, now: datetime, boot_time: datetime) -> str:
    ident = _identity(device)
    weeks, days, hours, minutes, _ = c.uptime_parts(now, boot_time)
    uptime = f"{c.plural(weeks, 'week')}, {c.plural(days, 'day')}, {c.plural(hours, 'hour')}"
    uptime += f" and {c.plural(minutes, 'minute')}"
    # Free memory wanders a little on every call, like on a real switch.
    free = ident.total_kb * 3 // 4 + int(c.utc(now).timestamp()) % 50_000
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


def _route_after(line: str, address: str) -> str:
    return f"ip route {address}/32 {line.split()[3]}"


_EDITS = c.EditRules(
    is_description=lambda line: line.startswith("   description "),
    rewrite_description=lambda line, text: f"   description {text}",
    is_route=lambda line: line.startswith("ip route ") and len(line.split()) == 4,
    route_after=_route_after,
)


GENERATOR = PlatformGenerator(
    name=NAME,
    config_commands=("show running-config", "show run"),
    version_commands=("show version",),
    generate_body=generate_body,
    render_config=render_config,
    render_version=render_version,
    edits=_EDITS,
    planted_secrets=planted_secrets,
)
