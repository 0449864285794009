"""MikroTik RouterOS 6.49 / 7.12: ``/export`` (show-sensitive) and ``/system resource print``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from confvault_lab.configgen import _common as c
from confvault_lab.configgen._spec import PlatformGenerator

NAME = "mikrotik_routeros"
_WRAP_AT = 80  # /export breaks long lines with " \" and continues with four spaces


@dataclass(frozen=True, slots=True)
class _Identity:
    v7: bool
    software_id: str
    serial: str
    ppp_password: str
    radius_secret: str
    key: str  # v7: IPsec identity secret; v6: wpa2-pre-shared-key
    ospf_key: str  # v6 only: authentication-key on the OSPF interface
    community: str  # the SNMP community's name is its password

    @property
    def version(self) -> str:
        return "7.12.1" if self.v7 else "6.49.7"

    @property
    def model(self) -> str:
        return "CCR2004-1G-12S+2XS" if self.v7 else "RB4011iGS+5HacQ2HnD"


def _identity(device: str) -> _Identity:
    rng = c.identity_rng(NAME, device, "identity")
    upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return _Identity(
        v7=rng.random() < 0.6,
        software_id=f"{c.pick(rng, upper, 4)}-{c.pick(rng, upper, 4)}",
        serial=c.pick(rng, "0123456789ABCDEF", 12),
        ppp_password=c.plain_secret(rng),
        radius_secret=c.plain_secret(rng),
        key=c.plain_secret(rng, 20),
        ospf_key=c.plain_secret(rng, 12),
        community=c.community(rng),
    )


def planted_secrets(device: str) -> tuple[str, ...]:
    i = _identity(device)
    secrets = (i.ppp_password, i.radius_secret, i.key, i.community)
    return secrets + (() if i.v7 else (i.ospf_key,))


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


def generate_body(device: str, size: int) -> str:
    ident = _identity(device)
    rng = c.body_rng(NAME, device, size)
    base = rng.randrange(0, 200)
    mgmt = f"10.{rng.randrange(200, 250)}.{rng.randrange(256)}"
    loopback = f"10.255.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    site = rng.choice(c.SITES).upper()
    if ident.v7:
        ports = ["ether1"] + [f"sfp-sfpplus{p}" for p in range(1, 13)] + ["sfp28-1", "sfp28-2"]
    else:
        ports = [f"ether{p}" for p in range(1, 11)] + ["sfp-sfpplus1"]

    def port(i: int) -> list[tuple[str, str]] | None:
        if i >= len(ports):
            return None
        return [
            ("ports", f"set [ find default-name={ports[i]} ] comment={_value(c.description(rng))}")
        ]

    def vlan(i: int) -> list[tuple[str, str]] | None:
        if i >= 3000:
            return None
        vid, (b, o) = 100 + i, c.lan(base, i)
        name = f"{rng.choice(c.VLAN_NAMES)}-{i:03d}"
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
        proto, ports_ = ("tcp", c.TCP_PORTS) if rng.random() < 0.7 else ("udp", c.UDP_PORTS)
        text = f'add action=accept chain=forward comment="{rng.choice(c.CUSTOMERS)} {i}" '
        text += f"dst-address=10.{base}.{rng.randrange(256)}.{rng.randrange(1, 255)} "
        text += f"dst-port={rng.choice(ports_)} protocol={proto} src-address={c.subnet_ip(rng)}/24"
        return [("filters", _wrap(text))]

    def route(i: int) -> list[tuple[str, str]]:
        hop = f"10.{base}.0.{rng.randrange(2, 6)}"
        net = f"{c.cidr(rng, (16, 20, 24))}"
        return [("routes", f"add dst-address={net} gateway={hop}")]

    def listed(i: int) -> list[tuple[str, str]]:
        text = f"add address={c.subnet_ip(rng)}/24 list={rng.choice(c.CUSTOMERS).lower()}-nets"
        return [("lists", text)]

    def assemble(s: dict[str, list[str]]) -> str:
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
        return "\n".join(body)

    fixed = len(assemble({})) + len("/interface vlan\n")
    kinds: list[tuple[float, c.ItemMaker]] = [
        (0.1, port),
        (0.3, vlan),
        (0.3, rule),
        (0.15, route),
        (0.15, listed),
    ]
    return assemble(c.fill_sections(size - fixed, kinds))


def _header_time(moment: datetime, v7: bool) -> str:
    m = c.utc(moment)
    if v7:
        return c.iso(m)
    return f"{c.MONTHS[m.month - 1].lower()}/{m.day:02d}/{m.year} {m:%H:%M:%S}"


def render_config(device: str, body: str, now: datetime, session_no: int) -> str:
    del session_no
    ident = _identity(device)
    return (
        f"# {_header_time(now, ident.v7)} by RouterOS {ident.version}\n"
        f"# software id = {ident.software_id}\n#\n# model = {ident.model}\n"
        f"# serial number = {ident.serial}\n{body}"
    )


def render_version(device: str, now: datetime, boot_time: datetime) -> str:
    ident = _identity(device)
    weeks, days, hours, minutes, seconds = c.uptime_parts(now, boot_time)
    uptime = "".join(
        f"{v}{u}" for v, u in ((weeks, "w"), (days, "d"), (hours, "h"), (minutes, "m")) if v
    )
    tick = int(c.utc(now).timestamp())
    up_s = max(0, int((c.utc(now) - c.utc(boot_time)).total_seconds()))
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


_EDITS = c.EditRules(
    is_description=lambda line: line.startswith("set [ find default-name=") and " comment=" in line,
    rewrite_description=_rewrite_description,
    is_route=lambda line: (
        line.startswith("add dst-address=") and " gateway=" in line and "\\" not in line
    ),
    route_after=_route_after,
)


GENERATOR = PlatformGenerator(
    name=NAME,
    config_commands=("/export",),
    version_commands=("/system resource print",),
    generate_body=generate_body,
    render_config=render_config,
    render_version=render_version,
    edits=_EDITS,
    planted_secrets=planted_secrets,
)
