"""MikroTik RouterOS 6.49 / 7.12: ``/export`` (show-sensitive) and ``/system resource print``."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from confvault_lab.generation.clock import MONTHS, iso, uptime_parts, utc
from confvault_lab.generation.edits import EditRules
from confvault_lab.generation.skeleton import Opening, PlantedSecrets, Secret, Sections, sized_body
from confvault_lab.generation.values import (
    CUSTOMERS,
    SITES,
    VLAN_NAMES,
    cidr,
    community,
    description,
    lan,
    pick,
    plain_secret,
    protocol_and_ports,
    subnet_ip,
)
from confvault_lab.lab_platform import ConfigGenerator, LabPlatform, PlatformCli, Truncation

_WRAP_AT = 80  # /export breaks long lines with " \" and continues with four spaces


@dataclass(frozen=True, slots=True)
class Identity(PlantedSecrets):
    v7: bool
    software_id: str
    serial: str
    ppp_password: Secret
    radius_secret: Secret
    key: Secret  # v7: IPsec identity secret; v6: wpa2-pre-shared-key
    community: Secret  # the SNMP community's name is its password
    ospf_key: Secret  # v6 only: authentication-key on the OSPF interface

    @property
    def planted_secrets(self) -> tuple[str, ...]:
        secrets = (self.ppp_password, self.radius_secret, self.key, self.community)
        return secrets if self.v7 else (*secrets, self.ospf_key)

    @property
    def version(self) -> str:
        return "7.12.1" if self.v7 else "6.49.7"

    @property
    def model(self) -> str:
        return "CCR2004-1G-12S+2XS" if self.v7 else "RB4011iGS+5HacQ2HnD"


def draw_identity(rng: random.Random) -> Identity:
    upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return Identity(
        v7=rng.random() < 0.6,
        software_id=f"{pick(rng, upper, 4)}-{pick(rng, upper, 4)}",
        serial=pick(rng, "0123456789ABCDEF", 12),
        ppp_password=plain_secret(rng),
        radius_secret=plain_secret(rng),
        key=plain_secret(rng, 20),
        ospf_key=plain_secret(rng, 12),
        community=community(rng),
    )


def _value(text: str) -> str:
    """/export quotes a value only when it needs it (spaces or special characters)."""
    return f'"{text}"' if any(ch in text for ch in ' ",;$[]{}\\') else text


def _wrap(line: str) -> str:
    """Break a line like /export does: at a space outside quotes, before column 80."""
    if len(line) <= _WRAP_AT:
        return line
    pieces: list[str] = []
    start, quoted, last_space = 0, False, -1
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == " " and not quoted:
            last_space = i
        if i - start >= _WRAP_AT - (2 if not pieces else 6) and last_space > start:
            pieces.append(line[start:last_space])
            start, last_space = last_space + 1, -1
    pieces.append(line[start:])
    return " \\\n    ".join(pieces)


def assemble_body(device: str, ident: Identity, opening: Opening, size: int) -> str:
    rng, base, mgmt, loopback = opening.rng, opening.base, opening.mgmt, opening.loopback
    site = rng.choice(SITES).upper()
    if ident.v7:
        ports = ["ether1"] + [f"sfp-sfpplus{p}" for p in range(1, 13)] + ["sfp28-1", "sfp28-2"]
    else:
        ports = [f"ether{p}" for p in range(1, 11)] + ["sfp-sfpplus1"]

    def port(i: int) -> list[tuple[str, str]] | None:
        if i >= len(ports):
            return None
        return [
            ("ports", f"set [ find default-name={ports[i]} ] comment={_value(description(rng))}")
        ]

    def vlan(i: int) -> list[tuple[str, str]] | None:
        if i >= 3000:
            return None
        vid, (b, o) = 100 + i, lan(base, i)
        name = f"{rng.choice(VLAN_NAMES)}-{i:03d}"
        return [
            (
                "vlans",
                _wrap(f"add comment={_value(name)} interface=bridge1 name=vlan{vid} vlan-id={vid}"),
            ),
            (
                "addresses",
                _wrap(f"add address=10.{b}.{o}.1/24 interface=vlan{vid} network=10.{b}.{o}.0"),
            ),
        ]

    def rule(i: int) -> list[tuple[str, str]]:
        proto, ports_ = protocol_and_ports(rng)
        text = f'add action=accept chain=forward comment="{rng.choice(CUSTOMERS)} {i}" '
        text += f"dst-address={opening.lan_host()} "
        text += f"dst-port={rng.choice(ports_)} protocol={proto} src-address={subnet_ip(rng)}/24"
        return [("filters", _wrap(text))]

    def route(i: int) -> list[tuple[str, str]]:
        hop = opening.lan_gateway()
        net = f"{cidr(rng, (16, 20, 24))}"
        return [("routes", f"add dst-address={net} gateway={hop}")]

    def listed(i: int) -> list[tuple[str, str]]:
        text = f"add address={subnet_ip(rng)}/24 list={rng.choice(CUSTOMERS).lower()}-nets"
        return [("lists", text)]

    def assemble(s: Sections) -> list[str]:
        body = [
            "/interface bridge",
            "add name=bridge1 protocol-mode=rstp vlan-filtering=yes",
            "/interface ethernet",
            *s.get("ports", []),
        ]
        if s.get("vlans"):
            body += ["/interface vlan", *s["vlans"]]
        if not ident.v7:
            body += [
                "/interface wireless security-profiles",
                "set [ find default=yes ] supplicant-identity=MikroTik",
                _wrap(
                    "add authentication-types=wpa2-psk mode=dynamic-keys name=corp "
                    f'supplicant-identity="" wpa2-pre-shared-key={ident.key}'
                ),
            ]
        else:
            body += [
                "/ip ipsec peer",
                f"add address={mgmt}.250/32 name=hq",
                "/ip ipsec identity",
                f"add peer=hq secret={ident.key}",
            ]
        body += [
            "/ip address",
            f"add address={loopback} interface=lo network={loopback}"
            if ident.v7
            else f"add address={loopback} interface=bridge1 network={loopback}",
            f"add address={mgmt}.2/24 interface={ports[0]} network={mgmt}.0",
            *s.get("addresses", []),
            "/ip dns",
            f"set servers={mgmt}.53",
            "/ip firewall address-list",
            *s.get("lists", []),
            f"add address={mgmt}.0/24 list=mgmt",
            "/ip firewall filter",
            _wrap(
                'add action=accept chain=input comment="defconf: accept established,related" '
                "connection-state=established,related"
            ),
            "add action=accept chain=input dst-port=22,8291 protocol=tcp src-address-list=mgmt",
            *s.get("filters", []),
            "add action=drop chain=input in-interface-list=WAN",
            "/ip route",
            f"add dst-address=0.0.0.0/0 gateway={mgmt}.1",
            *s.get("routes", []),
            "/ip service",
            "set telnet disabled=yes",
            "set ftp disabled=yes",
            "set www disabled=yes",
            "set api disabled=yes",
            "set api-ssl disabled=yes",
            "/ppp secret",
            _wrap(
                f"add name=vpn-{site.lower()} password={ident.ppp_password} "
                "profile=default-encryption service=l2tp"
            ),
            "/radius",
            f"add address={mgmt}.31 secret={ident.radius_secret} service=login",
        ]
        if ident.v7:
            body += [
                "/routing ospf instance",
                f"add disabled=no name=default-v2 router-id={loopback}",
                "/routing ospf area",
                "add disabled=no instance=default-v2 name=backbone-v2",
            ]
        else:
            body += [
                "/routing ospf instance",
                f"set [ find default=yes ] router-id={loopback}",
                "/routing ospf interface",
                f"add authentication=md5 authentication-key={ident.ospf_key} interface=bridge1",
            ]
        body += [
            "/snmp community",
            f"set [ find default=yes ] addresses={mgmt}.0/24 name={_value(ident.community)}",
            "/snmp",
            f'set contact=noc@example.net enabled=yes location="{site} DC1"',
            "/system clock",
            "set time-zone-name=UTC",
            "/system identity",
            f"set name={device}",
        ]
        if ident.v7:
            body += [
                "/system ntp client",
                "set enabled=yes",
                "/system ntp client servers",
                f"add address={mgmt}.123",
            ]
        else:
            body += ["/system ntp client", f"set enabled=yes primary-ntp={mgmt}.123"]
        body += ["/user aaa", "set use-radius=yes"]
        return body

    # the /interface vlan header appears only once there is a VLAN
    return sized_body(
        assemble,
        size,
        (0.1, port),
        (0.3, vlan),
        (0.3, rule),
        (0.15, route),
        (0.15, listed),
        overhead=len("/interface vlan\n"),
    )


def _header_time(moment: datetime, v7: bool) -> str:
    m = utc(moment)
    if v7:
        return iso(m)
    return f"{MONTHS[m.month - 1].lower()}/{m.day:02d}/{m.year} {m:%H:%M:%S}"


def render_config(device: str, ident: Identity, body: str, now: datetime, session_no: int) -> str:
    del device, session_no
    return (
        f"# {_header_time(now, ident.v7)} by RouterOS {ident.version}\n"
        f"# software id = {ident.software_id}\n#\n# model = {ident.model}\n"
        f"# serial number = {ident.serial}\n{body}"
    )


def render_version(device: str, ident: Identity, now: datetime, boot_time: datetime) -> str:
    weeks, days, hours, minutes, seconds = uptime_parts(now, boot_time)
    uptime = "".join(
        f"{v}{u}" for v, u in ((weeks, "w"), (days, "d"), (hours, "h"), (minutes, "m")) if v
    )
    tick = int(utc(now).timestamp())
    up_s = max(0, int((utc(now) - utc(boot_time)).total_seconds()))
    fields = [
        ("uptime", f"{uptime}{seconds}s"),
        ("version", f"{ident.version} (stable)"),
        ("build-time", "2023-11-17 11:38:45" if ident.v7 else "2022-08-31 11:23:10"),
        ("factory-software", "7.1" if ident.v7 else "6.44.6"),
        (
            "free-memory",
            f"{3200 + tick % 300}.{tick % 10}MiB"
            if ident.v7
            else f"{800 + tick % 90}.{tick % 10}MiB",
        ),
        ("total-memory", "4.0GiB" if ident.v7 else "1024.0MiB"),
        ("cpu", "ARM64" if ident.v7 else "ARMv7"),
        ("cpu-count", "4"),
        ("cpu-frequency", "1700MHz" if ident.v7 else "1400MHz"),
        ("cpu-load", f"{tick % 7}%"),
        ("free-hdd-space", f"{90 + tick % 5}.{tick % 10}MiB"),
        ("total-hdd-space", "128.0MiB" if ident.v7 else "512.0MiB"),
        ("write-sect-since-reboot", str(1000 + up_s // 600)),
        ("write-sect-total", str(268233 + up_s // 600)),
        ("bad-blocks", "0%"),
        ("architecture-name", "arm64" if ident.v7 else "arm"),
        ("board-name", ident.model),
        ("platform", "MikroTik"),
    ]
    return "\n".join(f"{key:>25}: {value}" for key, value in fields)


def _rewrite_description(line: str, text: str) -> str:
    return f"{line.split(' comment=', 1)[0]} comment={_value(text)}"


def _route_after(line: str, address: str) -> str:
    gateway = line.split(" gateway=", 1)[1].split()[0]
    return f"add dst-address={address}/32 gateway={gateway}"


def _bad_command(prompt: str, line: str, token_index: int) -> str:
    tokens = line.split() or [""]
    return f"bad command name {tokens[0]} (line 1 column 1)"


PLATFORM = LabPlatform(
    name="mikrotik_routeros",
    tag="ros",
    cli=PlatformCli(
        user_prompt="[{user}@{name}] > ",
        enable_prompt=None,
        default_name="MikroTik",
        pager_prompt=None,
        paging_off=(),
        error=_bad_command,
        fault_pager_prompt="-- [Q quit|D dump|down]",
        login_question="Do you want to see the software license? [Y/n]: ",
        login_continue=("n",),
    ),
    config_commands=("/export",),
    version_commands=("/system resource print",),
    truncation=Truncation.OPEN_CONTINUATION,
    generator=ConfigGenerator(draw_identity, assemble_body, render_config, render_version),
    edits=EditRules(
        is_description=lambda line: (
            line.startswith("set [ find default-name=") and " comment=" in line
        ),
        rewrite_description=_rewrite_description,
        is_route=lambda line: (
            line.startswith("add dst-address=") and " gateway=" in line and "\\" not in line
        ),
        route_after=_route_after,
    ),
)
