"""Cisco NX-OS 9.3 on a Nexus 93180YC-FX: its CLI, ``show running-config`` and ``show version``."""

from __future__ import annotations

import random
from datetime import datetime

from confvault_lab.device_errors import caret_error
from confvault_lab.generation.clock import ctime, last_change, uptime_parts
from confvault_lab.generation.edits import ColumnRoute, EditRules
from confvault_lab.generation.skeleton import Opening, Sections, StandardIdentity, sized_body
from confvault_lab.generation.values import (
    CUSTOMERS,
    SERIAL_CHARS,
    VLAN_NAMES,
    cidr,
    community,
    crypt_hash,
    description,
    lan,
    pick,
    plain_secret,
    protocol_and_ports,
    subnet_ip,
)
from confvault_lab.lab_platform import ConfigGenerator, LabPlatform, PlatformCli, Truncation

VERSION = "9.3(10)"


def draw_identity(rng: random.Random) -> StandardIdentity:
    return StandardIdentity(
        hardware_id=f"FDO{rng.randrange(2200, 2700)}{pick(rng, SERIAL_CHARS, 4)}",
        admin_hash=crypt_hash(rng, "5", 8, 43),
        community=community(rng),
        tacacs_key=plain_secret(rng, 12),
    )


def assemble_body(device: str, ident: StandardIdentity, opening: Opening, size: int) -> str:
    rng, base, mgmt, loopback = opening.rng, opening.base, opening.mgmt, opening.loopback
    asn = opening.private_asn()
    peer = opening.core_peer()

    def port(i: int) -> list[tuple[str, str]] | None:
        if i >= 54:
            return None
        lines = [f"interface Ethernet1/{i + 1}", f"  description {description(rng)}"]
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
        vid, (b, o) = 100 + i, lan(base, i)
        svi = (
            f"interface Vlan{vid}\n  no shutdown\n  no ip redirects\n  ip address 10.{b}.{o}.1/24\n"
        )
        return [("vlans", f"vlan {vid}\n  name {rng.choice(VLAN_NAMES)}-{i:03d}"), ("svis", svi)]

    def acl(i: int) -> list[tuple[str, str]]:
        head = f"ip access-list ACL-{CUSTOMERS[(i // 50) % len(CUSTOMERS)]}-{i // 50:02d}\n"
        proto, ports = protocol_and_ports(rng)
        dst = f"{opening.lan_host()}/32"
        src = f"{subnet_ip(rng)}/24"
        line = f"  {10 * (i % 50 + 1)} permit {proto} {src} {dst} eq {rng.choice(ports)}"
        return [("acls", (head if i % 50 == 0 else "") + line)]

    def route(i: int) -> list[tuple[str, str]]:
        hop = opening.lan_gateway()
        net = f"{cidr(rng, (16, 20, 24))}"
        return [("routes", f"ip route {net} {hop} name {rng.choice(CUSTOMERS)}-{i}")]

    def assemble(s: Sections) -> list[str]:
        return [
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
            f"  ip address {mgmt}.{mgmt_host}/24",
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

    mgmt_host = rng.randrange(10, 250)
    return sized_body(assemble, size, (0.35, port), (0.3, vlan), (0.25, acl), (0.1, route))


def render_config(
    device: str, ident: StandardIdentity, body: str, now: datetime, session_no: int
) -> str:
    del device, ident
    changed = last_change(now, session_no)
    return (
        "!Command: show running-config\n"
        f"!Running configuration last done at: {ctime(changed)}\n"
        f"!Time: {ctime(now)}\n{body}"
    )


def render_version(device: str, ident: StandardIdentity, now: datetime, boot_time: datetime) -> str:
    weeks, days, hours, minutes, seconds = uptime_parts(now, boot_time)
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
  Processor Board ID {ident.hardware_id}

  Device name: {device}
  bootflash:  115805356 kB
Kernel uptime is {uptime}

Last reset at 741852 usecs after {ctime(boot_time)}
  Reason: Reset Requested by CLI command reload
  System version: {VERSION}
  Service:

plugin
  Core Plugin, Ethernet Plugin

Active Package(s):"""


PLATFORM = LabPlatform(
    name="cisco_nxos",
    tag="nxos",
    cli=PlatformCli(
        user_prompt="{name}#",
        enable_prompt=None,
        default_name="switch",
        pager_prompt=" --More-- ",
        paging_off=("terminal length 0",),
        silent_commands=("terminal width 511",),
        error=caret_error("% Invalid command at '^' marker."),
    ),
    config_commands=("show running-config", "show run"),
    version_commands=("show version",),
    # NX-OS prints no end marker: a cut session is recognised by its length alone.
    truncation=Truncation.LAST_QUARTER,
    generator=ConfigGenerator(draw_identity, assemble_body, render_config, render_version),
    edits=EditRules.one_line_each(
        "  description ", ColumnRoute("ip route ", 3, "ip route {address}/32 {hop}")
    ),
)
