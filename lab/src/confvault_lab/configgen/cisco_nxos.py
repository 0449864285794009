"""Cisco NX-OS 9.3 on a Nexus 93180YC-FX: ``show running-config`` and ``show version``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from confvault_lab.configgen import _common as c
from confvault_lab.configgen._spec import PlatformGenerator

NAME = "cisco_nxos"
VERSION = "9.3(10)"


@dataclass(frozen=True, slots=True)
class _Identity:
    serial: str
    admin_hash: str
    community: str
    tacacs_key: str


def _identity(device: str) -> _Identity:
    rng = c.identity_rng(NAME, device, "identity")
    return _Identity(
        serial=f"FDO{rng.randrange(2200, 2700)}{c.pick(rng, c.SERIAL_CHARS, 4)}",
        admin_hash=c.crypt_hash(rng, "5", 8, 43),
        community=c.community(rng),
        tacacs_key=c.plain_secret(rng, 12),
    )


def planted_secrets(device: str) -> tuple[str, ...]:
    i = _identity(device)
    return (i.admin_hash, i.community, i.tacacs_key)


def generate_body(device: str, size: int) -> str:
    ident = _identity(device)
    rng = c.body_rng(NAME, device, size)
    base = rng.randrange(0, 200)
    mgmt = f"10.{rng.randrange(200, 250)}.{rng.randrange(256)}"
    loopback = f"10.255.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    asn = rng.randrange(64512, 65500)
    peer = f"10.254.{rng.randrange(256)}.{rng.randrange(1, 254, 2)}"

    def port(i: int) -> list[tuple[str, str]] | None:
        if i >= 54:
            return None
        lines = [f"interface Ethernet1/{i + 1}", f"  description {c.description(rng)}"]
        if i >= 48:
            lines += ["  switchport mode trunk", "  channel-group 10 mode active"]
        else:
            lines += [
                f"  switchport access vlan {100 + rng.randrange(20)}",
                "  spanning-tree port type edge",
            ]
        lines += ["  mtu 9216", "  no shutdown", ""]
        return [("ports", "\n".join(lines))]

    def vlan(i: int) -> list[tuple[str, str]] | None:
        if i >= 3000:
            return None
        vid, (b, o) = 100 + i, c.lan(base, i)
        svi = (
            f"interface Vlan{vid}\n  no shutdown\n  no ip redirects\n  ip address 10.{b}.{o}.1/24\n"
        )
        return [("vlans", f"vlan {vid}\n  name {rng.choice(c.VLAN_NAMES)}-{i:03d}"), ("svis", svi)]

    def acl(i: int) -> list[tuple[str, str]]:
        head = f"ip access-list ACL-{c.CUSTOMERS[(i // 50) % len(c.CUSTOMERS)]}-{i // 50:02d}\n"
        proto, ports = ("tcp", c.TCP_PORTS) if rng.random() < 0.7 else ("udp", c.UDP_PORTS)
        dst = f"10.{base}.{rng.randrange(256)}.{rng.randrange(1, 255)}/32"
        src = f"{c.subnet_ip(rng)}/24"
        line = f"  {10 * (i % 50 + 1)} permit {proto} {src} {dst} eq {rng.choice(ports)}"
        return [("acls", (head if i % 50 == 0 else "") + line)]

    def route(i: int) -> list[tuple[str, str]]:
        hop = f"10.{base}.0.{rng.randrange(2, 6)}"
        net = f"{c.cidr(rng, (16, 20, 24))}"
        return [("routes", f"ip route {net} {hop} name {rng.choice(c.CUSTOMERS)}-{i}")]

    def assemble(s: dict[str, list[str]]) -> str:
        body = [
            "",
            f"version {VERSION} Bios:version 05.47 ",
            f"hostname {device}",
            "policy-map type network-qos jumbo",
            "  class type network-qos class-default",
            "    mtu 9216",
            "system qos",
            "  service-policy type network-qos jumbo",
            "feature tacacs+",
            "feature bgp",
            "feature interface-vlan",
            "feature lacp",
            "feature lldp",
            "",
            f"username admin password 5 {ident.admin_hash}  role network-admin",
            "ip domain-lookup",
            f"ip domain-name {device.lower()}.dc.example.net",
            f'tacacs-server key 7 "{ident.tacacs_key}"',
            f"tacacs-server host {mgmt}.31",
            "aaa group server tacacs+ TACACS",
            f"    server {mgmt}.31",
            "    use-vrf management",
            "copp profile strict",
            f"snmp-server community {ident.community} group network-operator",
            f"ntp server {mgmt}.123 use-vrf management",
            "aaa authentication login default group TACACS",
            "",
            *s.get("acls", []),
            *s.get("prefixes", []),
            "vlan 1",
            *s.get("vlans", []),
            "",
            *s.get("routes", []),
            "vrf context management",
            f"  ip route 0.0.0.0/0 {mgmt}.1",
            "",
            *s.get("svis", []),
            *s.get("ports", []),
            "interface mgmt0",
            "  vrf member management",
            f"  ip address {mgmt}.{rng_octet}/24",
            "",
            "interface loopback0",
            f"  ip address {loopback}/32",
            "line console",
            "  exec-timeout 15",
            "line vty",
            "  exec-timeout 15",
            f"boot nxos bootflash:/nxos.{VERSION[:3]}.{VERSION[4:-1]}.bin ",
            f"router bgp {asn}",
            f"  router-id {loopback}",
            "  address-family ipv4 unicast",
            "    redistribute direct route-map CONNECTED",
            f"  neighbor {peer}",
            "    remote-as 65000",
            "    description spine",
            "    address-family ipv4 unicast",
            "",
        ]
        return "\n".join(body)

    rng_octet = rng.randrange(10, 250)
    fixed = len(assemble({})) + 1
    kinds: list[tuple[float, c.ItemMaker]] = [(0.35, port), (0.3, vlan), (0.25, acl), (0.1, route)]
    return assemble(c.fill_sections(size - fixed, kinds))


def render_config(device: str, body: str, now: datetime, session_no: int) -> str:
    del device
    changed = c.last_change(now, session_no)
    return (
        "!Command: show running-config\n"
        f"!Running configuration last done at: {c.ctime(changed)}\n"
        f"!Time: {c.ctime(now)}\n{body}"
    )


def render_version(device: str, now: datetime, boot_time: datetime) -> str:
    ident = _identity(device)
    weeks, days, hours, minutes, seconds = c.uptime_parts(now, boot_time)
    uptime = f"{weeks * 7 + days} day(s), {hours} hour(s), {minutes} minute(s), {seconds} second(s)"
    return f"""Cisco Nexus Operating System (NX-OS) Software
TAC support: http://www.cisco.com/tac
Documents: http://www.cisco.com/en/US/products/ps9372/tsd_products_support_series_home.html
Copyright (c) 2002-2022, Cisco Systems, Inc. All rights reserved.

Software
  BIOS: version 05.47
 NXOS: version {VERSION}
  BIOS compile time:  04/28/2022
  NXOS image file is: bootflash:///nxos.9.3.10.bin
  NXOS compile time:  12/22/2022 2:00:00 [12/22/2022 11:19:07]

Hardware
  cisco Nexus9000 C93180YC-FX Chassis
  Intel(R) Xeon(R) CPU  D-1528 @ 1.90GHz with 24569628 kB of memory.
  Processor Board ID {ident.serial}

  Device name: {device}
  bootflash:  115805356 kB
Kernel uptime is {uptime}

Last reset at 741852 usecs after {c.ctime(boot_time)}
  Reason: Reset Requested by CLI command reload
  System version: {VERSION}
  Service:

plugin
  Core Plugin, Ethernet Plugin

Active Package(s):"""


def _route_after(line: str, address: str) -> str:
    return f"ip route {address}/32 {line.split()[3]}"


_EDITS = c.EditRules(
    is_description=lambda line: line.startswith("  description "),
    rewrite_description=lambda line, text: f"  description {text}",
    is_route=lambda line: line.startswith("ip route ") and len(line.split()) >= 4,
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
