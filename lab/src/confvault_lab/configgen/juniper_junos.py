"""Junos 21.4 on an MX204: ``show configuration`` (curly-brace format) and ``show version``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from confvault_lab.configgen import _common as c
from confvault_lab.configgen._spec import PlatformGenerator

NAME = "juniper_junos"
VERSION = "21.4R3-S5.4"
_SECRET = " ## SECRET-DATA"  # noqa: S105 - the marker Junos prints, not a credential


@dataclass(frozen=True, slots=True)
class _Identity:
    serial: str
    root_hash: str
    admin_hash: str
    community: str
    tacacs_secret: str
    bgp_key: str


def _identity(device: str) -> _Identity:
    rng = c.identity_rng(NAME, device, "identity")
    return _Identity(
        serial=f"{c.pick(rng, 'ABCDEFGHJKLMNPRSTUVWXYZ', 2)}{rng.randrange(1000, 9999)}",
        root_hash=c.crypt_hash(rng, "6", 16, 86),
        admin_hash=c.crypt_hash(rng, "6", 16, 86),
        community=c.community(rng),
        tacacs_secret=c.junos_nine(rng),
        bgp_key=c.junos_nine(rng),
    )


def planted_secrets(device: str) -> tuple[str, ...]:
    i = _identity(device)
    return (i.root_hash, i.admin_hash, i.community, i.tacacs_secret, i.bgp_key)


def _block(depth: int, name: str, *inner: str) -> str:
    """``name {`` ... ``}`` at ``depth`` (4 spaces a level); ``inner`` comes indented."""
    pad = "    " * depth
    return "\n".join([f"{pad}{name} {{", *inner, f"{pad}}}"])


def _inet(depth: int, address: str) -> str:
    return _block(depth, "family inet", f"{'    ' * (depth + 1)}address {address};")


def generate_body(device: str, size: int) -> str:
    ident = _identity(device)
    rng = c.body_rng(NAME, device, size)
    base = rng.randrange(0, 200)
    mgmt = f"10.{rng.randrange(200, 250)}.{rng.randrange(256)}"
    loopback = f"10.255.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    asn = rng.randrange(64512, 65500)
    peer = f"10.254.{rng.randrange(256)}.{rng.randrange(1, 254, 2)}"
    site = rng.choice(c.SITES).upper()
    ports = [f"et-0/0/{p}" for p in range(4)] + [f"xe-0/1/{p}" for p in range(8)]

    def port(i: int) -> list[tuple[str, str]] | None:
        if i >= len(ports):
            return None
        b, o = c.lan(base, i)
        unit = _block(2, "unit 0", _inet(3, f"10.{b}.{o}.1/30"))
        desc = f'        description "{c.description(rng)}";'
        return [("ports", _block(1, ports[i], desc, unit))]

    def unit(i: int) -> list[tuple[str, str]] | None:
        if i >= 3900:
            return None
        vid, (b, o) = 100 + i, c.lan(base, 100 + i)
        lines = [f'            description "{c.description(rng)}";', f"            vlan-id {vid};"]
        return [("units", _block(2, f"unit {vid}", *lines, _inet(3, f"10.{b}.{o}.1/24")))]

    def term(i: int) -> list[tuple[str, str]]:
        proto, ports_ = ("tcp", c.TCP_PORTS) if rng.random() < 0.7 else ("udp", c.UDP_PORTS)
        match = _block(
            4,
            "from",
            _block(5, "source-address", f"{' ' * 24}{c.subnet_ip(rng)}/24;"),
            f"{' ' * 20}protocol {proto};",
            f"{' ' * 20}destination-port {rng.choice(ports_)};",
        )
        return [("terms", _block(3, f"term T{i:04d}", match, f"{' ' * 16}then accept;"))]

    def route(i: int) -> list[tuple[str, str]]:
        hop = f"10.{base}.0.{rng.randrange(2, 6)}"
        net = f"{c.cidr(rng, (16, 20, 24))}"
        return [("routes", f"        route {net} next-hop {hop};")]

    def prefix_list(i: int) -> list[tuple[str, str]]:
        entries = [f"        {c.cidr(rng, range(16, 25))};" for _ in range(rng.randrange(2, 9))]
        return [
            (
                "prefixes",
                _block(1, f"prefix-list PL-{c.CUSTOMERS[i % len(c.CUSTOMERS)]}-{i}", *entries),
            )
        ]

    def assemble(s: dict[str, list[str]]) -> str:
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
        return "\n".join(part for part in body if part)

    fixed = len(assemble({})) + 1 + len("policy-options {\n}\n")
    kinds: list[tuple[float, c.ItemMaker]] = [
        (0.15, port),
        (0.35, unit),
        (0.25, term),
        (0.1, route),
        (0.15, prefix_list),
    ]
    return assemble(c.fill_sections(size - fixed, kinds))


def render_config(device: str, body: str, now: datetime, session_no: int) -> str:
    del device
    return f"## Last commit: {c.iso(c.last_change(now, session_no))} UTC by admin\n{body}"


def render_version(device: str, now: datetime, boot_time: datetime) -> str:
    del now, boot_time
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
    return f'{c.indent_of(line)}description "{text}";'


def _route_after(line: str, address: str) -> str:
    hop = line.split("next-hop ", 1)[1]
    return f"{c.indent_of(line)}route {address}/32 next-hop {hop}"


_EDITS = c.EditRules(
    is_description=lambda line: line.lstrip(" ").startswith('description "'),
    rewrite_description=_rewrite_description,
    is_route=lambda line: line.lstrip(" ").startswith("route ") and " next-hop " in line,
    route_after=_route_after,
)


GENERATOR = PlatformGenerator(
    name=NAME,
    config_commands=("show configuration", "show configuration | no-more"),
    version_commands=("show version",),
    generate_body=generate_body,
    render_config=render_config,
    render_version=render_version,
    edits=_EDITS,
    planted_secrets=planted_secrets,
)
