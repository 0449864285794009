"""Junos 21.4 on an MX204: ``show configuration`` (curly-brace format) and ``show version``."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from confvault_lab.device_errors import caret_error
from confvault_lab.generation.clock import iso, last_change
from confvault_lab.generation.edits import EditRules, indent_of
from confvault_lab.generation.skeleton import Opening, PlantedSecrets, Secret, Sections, sized_body
from confvault_lab.generation.values import (
    CUSTOMERS,
    SITES,
    cidr,
    community,
    crypt_hash,
    description,
    junos_nine,
    lan,
    pick,
    protocol_and_ports,
    subnet_ip,
)
from confvault_lab.lab_platform import ConfigGenerator, LabPlatform, PlatformCli, Truncation

VERSION = "21.4R3-S5.4"
_SECRET = " ## SECRET-DATA"  # noqa: S105 - the marker Junos prints, not a credential


@dataclass(frozen=True, slots=True)
class Identity(PlantedSecrets):
    serial: str
    root_hash: Secret
    admin_hash: Secret
    community: Secret
    tacacs_secret: Secret
    bgp_key: Secret


def draw_identity(rng: random.Random) -> Identity:
    return Identity(
        serial=f"{pick(rng, 'ABCDEFGHJKLMNPRSTUVWXYZ', 2)}{rng.randrange(1000, 9999)}",
        root_hash=crypt_hash(rng, "6", 16, 86),
        admin_hash=crypt_hash(rng, "6", 16, 86),
        community=community(rng),
        tacacs_secret=junos_nine(rng),
        bgp_key=junos_nine(rng),
    )


def _block(depth: int, name: str, *inner: str) -> str:
    """``name {`` ... ``}`` at ``depth`` (4 spaces a level); ``inner`` comes indented."""
    pad = "    " * depth
    return "\n".join([f"{pad}{name} {{", *inner, f"{pad}}}"])


def _inet(depth: int, address: str) -> str:
    return _block(depth, "family inet", f"{'    ' * (depth + 1)}address {address};")


def assemble_body(device: str, ident: Identity, opening: Opening, size: int) -> str:
    rng, base, mgmt, loopback = opening.rng, opening.base, opening.mgmt, opening.loopback
    asn = opening.private_asn()
    peer = opening.core_peer()
    site = rng.choice(SITES).upper()
    ports = [f"et-0/0/{p}" for p in range(4)] + [f"xe-0/1/{p}" for p in range(8)]

    def port(i: int) -> list[tuple[str, str]] | None:
        if i >= len(ports):
            return None
        b, o = lan(base, i)
        unit = _block(2, "unit 0", _inet(3, f"10.{b}.{o}.1/30"))
        desc = f'        description "{description(rng)}";'
        return [("ports", _block(1, ports[i], desc, unit))]

    def unit(i: int) -> list[tuple[str, str]] | None:
        if i >= 3900:
            return None
        vid, (b, o) = 100 + i, lan(base, 100 + i)
        lines = [f'            description "{description(rng)}";', f"            vlan-id {vid};"]
        return [("units", _block(2, f"unit {vid}", *lines, _inet(3, f"10.{b}.{o}.1/24")))]

    def term(i: int) -> list[tuple[str, str]]:
        proto, ports_ = protocol_and_ports(rng)
        match = _block(
            4,
            "from",
            _block(5, "source-address", f"{' ' * 24}{subnet_ip(rng)}/24;"),
            f"{' ' * 20}protocol {proto};",
            f"{' ' * 20}destination-port {rng.choice(ports_)};",
        )
        return [("terms", _block(3, f"term T{i:04d}", match, f"{' ' * 16}then accept;"))]

    def route(i: int) -> list[tuple[str, str]]:
        hop = opening.lan_gateway()
        net = f"{cidr(rng, (16, 20, 24))}"
        return [("routes", f"        route {net} next-hop {hop};")]

    def prefix_list(i: int) -> list[tuple[str, str]]:
        entries = [f"        {cidr(rng, range(16, 25))};" for _ in range(rng.randrange(2, 9))]
        return [
            (
                "prefixes",
                _block(1, f"prefix-list PL-{CUSTOMERS[i % len(CUSTOMERS)]}-{i}", *entries),
            )
        ]

    def assemble(s: Sections) -> list[str]:
        system = [
            f"    host-name {device};",
            f"    domain-name {site.lower()}.core.example.net;",
            "    time-zone UTC;",
            _block(
                1,
                "root-authentication",
                f'        encrypted-password "{ident.root_hash}";{_SECRET}',
            ),
            _block(
                1,
                "login",
                _block(
                    2,
                    "user admin",
                    "            uid 2000;",
                    "            class super-user;",
                    _block(
                        3,
                        "authentication",
                        f'                encrypted-password "{ident.admin_hash}";{_SECRET}',
                    ),
                ),
            ),
            _block(
                1,
                "services",
                _block(
                    2, "ssh", "            root-login deny;", "            protocol-version v2;"
                ),
                _block(2, "netconf", "            ssh;"),
            ),
            _block(
                1,
                "tacplus-server",
                _block(
                    2,
                    f"{mgmt}.31",
                    f'            secret "{ident.tacacs_secret}";{_SECRET}',
                    f"            source-address {loopback};",
                ),
            ),
            _block(
                1,
                "syslog",
                _block(2, f"host {mgmt}.20", "            any notice;"),
                _block(
                    2, "file messages", "            any notice;", "            authorization info;"
                ),
            ),
            _block(1, "ntp", f"        server {mgmt}.123 prefer;", f"        server {mgmt}.124;"),
        ]
        snmp = [
            f'    location "{site} DC1";',
            '    contact "noc@example.net";',
            _block(
                1,
                f"community {ident.community}",
                "        authorization read-only;",
                _block(2, "clients", f"            {mgmt}.0/24;"),
            ),
        ]
        interfaces = [
            *s.get("ports", []),
            _block(1, "ae0", "        vlan-tagging;", *s.get("units", [])),
            _block(1, "lo0", _block(2, "unit 0", _inet(3, f"{loopback}/32"))),
        ]
        firewall = _block(
            1,
            "family inet",
            _block(
                2,
                "filter PROTECT-RE",
                *s.get("terms", []),
                _block(3, "term DEFAULT", "                then discard;"),
            ),
        )
        routing = [
            f"    router-id {loopback};",
            f"    autonomous-system {asn};",
            _block(
                1, "static", f"        route 0.0.0.0/0 next-hop {mgmt}.1;", *s.get("routes", [])
            ),
        ]
        protocols = [
            _block(
                1,
                "bgp",
                _block(
                    2,
                    "group CORE",
                    "            type internal;",
                    f"            local-address {loopback};",
                    f'            authentication-key "{ident.bgp_key}";{_SECRET}',
                    f"            neighbor {peer};",
                ),
            ),
            _block(1, "lldp", "        interface all;"),
        ]
        body = [
            f"version {VERSION};",
            _block(0, "system", *system),
            _block(0, "snmp", *snmp),
            _block(0, "interfaces", *interfaces),
            _block(0, "policy-options", *s.get("prefixes", [])) if s.get("prefixes") else "",
            _block(0, "firewall", firewall),
            _block(0, "routing-options", *routing),
            _block(0, "protocols", *protocols),
        ]
        return [part for part in body if part]

    # the policy-options block appears only once it holds a prefix list
    return sized_body(
        assemble,
        size,
        (0.15, port),
        (0.35, unit),
        (0.25, term),
        (0.1, route),
        (0.15, prefix_list),
        overhead=1 + len("policy-options {\n}\n"),
    )


def render_config(device: str, ident: Identity, body: str, now: datetime, session_no: int) -> str:
    del device, ident
    return f"## Last commit: {iso(last_change(now, session_no))} UTC by admin\n{body}"


def render_version(device: str, ident: Identity, now: datetime, boot_time: datetime) -> str:
    del ident, now, boot_time
    build = "20230621.bea8f9a_builder_stable_12_214"
    return f"""Hostname: {device}
Model: mx204
Junos: {VERSION}
JUNOS OS Kernel 64-bit  [{build}]
JUNOS OS libs [{build}]
JUNOS OS runtime [{build}]
JUNOS OS time zone information [{build}]
JUNOS network stack and utilities [20230705.081419_builder_junos_214_r3_s5]
JUNOS libs [20230705.081419_builder_junos_214_r3_s5]
JUNOS OS libs compat32 [{build}]
JUNOS Packet Forwarding Engine Support (MX/EX92XX Common) [{VERSION}]
JUNOS Routing Software Suite [{VERSION}]"""


def _rewrite_description(line: str, text: str) -> str:
    return f'{indent_of(line)}description "{text}";'


def _route_after(line: str, address: str) -> str:
    hop = line.split("next-hop ", 1)[1]
    return f"{indent_of(line)}route {address}/32 next-hop {hop}"


PLATFORM = LabPlatform(
    name="juniper_junos",
    tag="junos",
    cli=PlatformCli(
        user_prompt="{user}@{name}> ",
        enable_prompt=None,
        pager_prompt="---(more)---",
        paging_off=("set cli screen-length 0",),
        replies={
            "set cli screen-length 0": "Screen length set to 0",
            "set cli screen-width 511": "Screen width set to 511",
            "set cli complete-on-space off": "Disabling complete-on-space",
        },
        error=caret_error("unknown command."),
        no_paging_pipe="| no-more",
        unnamed_prompt="{user}> ",
        chassis_state="{master:0}",
    ),
    config_commands=("show configuration", "show configuration | no-more"),
    version_commands=("show version",),
    truncation=Truncation.CLOSING_BRACES,
    generator=ConfigGenerator(draw_identity, assemble_body, render_config, render_version),
    edits=EditRules(
        is_description=lambda line: line.lstrip(" ").startswith('description "'),
        rewrite_description=_rewrite_description,
        is_route=lambda line: line.lstrip(" ").startswith("route ") and " next-hop " in line,
        route_after=_route_after,
    ),
)
