"""Cisco IOS XR 7.3 on an ASR 9000: ``show running-config`` and ``show version``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from confvault_lab.configgen import _common as c
from confvault_lab.configgen._spec import PlatformGenerator

NAME = "cisco_xr"
VERSION = "7.3.2"


@dataclass(frozen=True, slots=True)
class _Identity:
    serial: str
    admin_hash: str
    community: str
    tacacs_key: str


def _identity(device: str) -> _Identity:
    rng = c.identity_rng(NAME, device, "identity")
    return _Identity(
        serial=f"FOX{rng.randrange(1800, 2600)}{c.pick(rng, c.SERIAL_CHARS, 4)}",
        admin_hash=c.crypt_hash(rng, "6", 16, 86),
        community=c.community(rng),
        tacacs_key=c.cisco_type7(rng),
    )


def planted_secrets(device: str) -> tuple[str, ...]:
    i = _identity(device)
    return (i.admin_hash, i.community, i.tacacs_key)


def _timestamp(moment: datetime) -> str:
    """XR's first output line: ``Wed Nov 25 10:20:01.123 UTC``."""
    m = c.utc(moment)
    return f"{c.ctime(m)[:-5]}.{m.microsecond // 1000:03d} UTC"


def generate_body(device: str, size: int) -> str:
    ident = _identity(device)
    rng = c.body_rng(NAME, device, size)
    base = rng.randrange(0, 200)
    mgmt = f"10.{rng.randrange(200, 250)}.{rng.randrange(256)}"
    loopback = f"10.255.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    asn = rng.randrange(64512, 65500)
    peer = f"10.254.{rng.randrange(256)}.{rng.randrange(1, 254, 2)}"
    mgmt_host = rng.randrange(10, 250)

    def port(i: int) -> list[tuple[str, str]] | None:
        # The first 24 items are the line card's ports, then dot1q sub-interfaces on them.
        if i >= 24 + 3900:
            return None
        b, o = c.lan(base, i)
        if i < 24:
            lines = [
                f"interface TenGigE0/0/0/{i}",
                f" description {c.description(rng)}",
                " mtu 9192",
            ]
            lines.append(f" ipv4 address 10.{b}.{o}.1 255.255.255.252")
        else:
            vid = 100 + (i - 24)
            lines = [f"interface TenGigE0/0/0/{i % 24}.{vid}", f" description {c.description(rng)}"]
            lines += [f" ipv4 address 10.{b}.{o}.1 255.255.255.0", f" encapsulation dot1q {vid}"]
        return [("ports", "\n".join([*lines, "!"]))]

    def acl(i: int) -> list[tuple[str, str]]:
        head = f"ipv4 access-list ACL-{c.CUSTOMERS[(i // 50) % len(c.CUSTOMERS)]}-{i // 50:02d}\n"
        proto, ports = ("tcp", c.TCP_PORTS) if rng.random() < 0.7 else ("udp", c.UDP_PORTS)
        dst = f"host 10.{base}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        src = f"{c.subnet_ip(rng)} 0.0.0.255"
        line = f" {10 * (i % 50 + 1)} permit {proto} {src} {dst} eq {rng.choice(ports)}"
        tail = "\n!" if i % 50 == 49 else ""
        return [("acls", (head if i % 50 == 0 else "") + line + tail)]

    def route(i: int) -> list[tuple[str, str]]:
        hop = f"10.{base}.0.{rng.randrange(2, 6)}"
        return [("routes", f"  {c.cidr(rng, (16, 20, 24))} {hop}")]

    def prefix(i: int) -> list[tuple[str, str]]:
        text = (
            f"prefix-set PS-{c.CUSTOMERS[(i // 30) % len(c.CUSTOMERS)]}-{i // 30}\n"
            if i % 30 == 0
            else ""
        )
        text += f"  {c.cidr(rng, range(16, 24))} le 24"
        text += "\nend-set\n!" if i % 30 == 29 else ","
        return [("prefixes", text)]

    def assemble(s: dict[str, list[str]]) -> str:
        acls = s.get("acls", [])
        prefixes = s.get("prefixes", [])
        if acls and not acls[-1].endswith("!"):
            acls = [*acls[:-1], acls[-1] + "\n!"]
        if prefixes and not prefixes[-1].endswith("!"):
            # The last set is cut short: its final entry must not carry the continuation comma.
            prefixes = [*prefixes[:-1], prefixes[-1].rstrip(",") + "\nend-set\n!"]
        body = [
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
        return "\n".join(body)

    fixed = len(assemble({})) + 1
    kinds: list[tuple[float, c.ItemMaker]] = [
        (0.4, port),
        (0.3, acl),
        (0.15, route),
        (0.15, prefix),
    ]
    return assemble(c.fill_sections(size - fixed - 24, kinds))


def render_config(device: str, body: str, now: datetime, session_no: int) -> str:
    del device
    changed = c.last_change(now, session_no)
    return (
        f"{_timestamp(now)}\nBuilding configuration...\n!! IOS XR Configuration {VERSION}\n"
        f"!! Last configuration change at {c.ctime(changed)} by admin\n{body}\nend"
    )


def render_version(device: str, now: datetime, boot_time: datetime) -> str:
    ident = _identity(device)
    weeks, days, hours, minutes, _ = c.uptime_parts(now, boot_time)
    uptime = ", ".join(
        [
            c.plural(weeks, "week"),
            c.plural(days, "day"),
            c.plural(hours, "hour"),
            c.plural(minutes, "minute"),
        ]
    )
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

Chassis serial number: {ident.serial}
Host name: {device}"""


def _is_route(line: str) -> bool:
    # "  10.20.0.0/16 10.1.0.2" under router static; prefix-set entries carry "le".
    parts = line.split()
    return (
        line.startswith("  ") and not line.startswith("   ") and len(parts) == 2 and "/" in parts[0]
    )


def _route_after(line: str, address: str) -> str:
    return f"  {address}/32 {line.split()[1]}"


_EDITS = c.EditRules(
    is_description=lambda line: line.startswith(" description "),
    rewrite_description=lambda line, text: f" description {text}",
    is_route=_is_route,
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
