"""Huawei VRP V200R011 on an S5720: ``display current-configuration`` and ``display version``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from confvault_lab.configgen import _common as c
from confvault_lab.configgen._spec import PlatformGenerator

NAME = "huawei"
VERSION = "V200R011C10SPC600"
MODEL = "S5720-52X-EI-AC"


@dataclass(frozen=True, slots=True)
class _Identity:
    engine_id: str
    admin_hash: str
    community: str
    tacacs_key: str


def _identity(device: str) -> _Identity:
    rng = c.identity_rng(NAME, device, "identity")
    return _Identity(
        engine_id="800007DB03" + c.mac(rng, "4c1fcc").upper(),
        admin_hash=c.huawei_irreversible(rng),
        community=c.huawei_cipher(rng),
        tacacs_key=c.huawei_cipher(rng, 32),
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
    mgmt_host = rng.randrange(10, 250)
    ports = [f"GigabitEthernet0/0/{p}" for p in range(1, 49)] + [
        f"XGigabitEthernet0/0/{p}" for p in range(1, 5)
    ]

    def port(i: int) -> list[tuple[str, str]] | None:
        if i >= len(ports):
            return None
        lines = [f"interface {ports[i]}", f" description {c.description(rng)}"]
        if ports[i].startswith("X"):
            lines += [" port link-type trunk", " port trunk allow-pass vlan 2 to 4094"]
        else:
            vid = 100 + rng.randrange(20)
            lines += [
                " port link-type access",
                f" port default vlan {vid}",
                " stp edged-port enable",
            ]
        return [("ports", "\n".join([*lines, "#"]))]

    def vlan(i: int) -> list[tuple[str, str]] | None:
        if i >= 3000:
            return None
        vid, (b, o) = 100 + i, c.lan(base, i)
        vlanif = f"interface Vlanif{vid}\n description {rng.choice(c.VLAN_NAMES)}\n"
        vlanif += f" ip address 10.{b}.{o}.1 255.255.255.0\n dhcp select relay\n#"
        return [
            ("vlans", f"vlan {vid}\n name {rng.choice(c.VLAN_NAMES)}-{i:03d}\n#"),
            ("vlanifs", vlanif),
        ]

    def rule(i: int) -> list[tuple[str, str]]:
        head = ("#\n" if i else "") + f"acl number {3001 + i // 40}\n" if i % 40 == 0 else ""
        proto, ports_ = ("tcp", c.TCP_PORTS) if rng.random() < 0.7 else ("udp", c.UDP_PORTS)
        dst = f"10.{base}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        line = f" rule {5 * (i % 40 + 1)} permit {proto} source {c.subnet_ip(rng)} 0.0.0.255"
        return [
            ("acls", f"{head}{line} destination {dst} 0 destination-port eq {rng.choice(ports_)}")
        ]

    def route(i: int) -> list[tuple[str, str]]:
        hop = f"10.{base}.0.{rng.randrange(2, 6)}"
        length = rng.choice((16, 20, 24))
        net, mask = c.network(rng, length), c.dotted_mask(length)
        return [
            ("routes", f" ip route-static {net} {mask} {hop} description {rng.choice(c.CUSTOMERS)}")
        ]

    def assemble(s: dict[str, list[str]]) -> str:
        acls = s.get("acls", [])
        body = [
            "#",
            f" sysname {device}",
            "#",
            *s.get("vlans", []),
            " stp instance 0 priority 8192",
            "#",
            " dhcp enable",
            "#",
            "aaa",
            " authentication-scheme default",
            " authentication-scheme tacacs",
            "  authentication-mode hwtacacs local",
            " authorization-scheme default",
            " accounting-scheme default",
            " domain default",
            "  authentication-scheme tacacs",
            "  hwtacacs-server tac",
            " domain default_admin",
            f" local-user admin password irreversible-cipher {ident.admin_hash}",
            " local-user admin privilege level 15",
            " local-user admin service-type terminal ssh",
            "#",
            "hwtacacs-server template tac",
            f" hwtacacs-server authentication {mgmt}.31",
            f" hwtacacs-server shared-key cipher {ident.tacacs_key}",
            "#",
            *s.get("vlanifs", []),
            "interface MEth0/0/1",
            f" ip address {mgmt}.{mgmt_host} 255.255.255.0",
            "#",
            *s.get("ports", []),
            "interface LoopBack0",
            f" ip address {loopback} 255.255.255.255",
            "#",
            *acls,
            *(["#"] if acls else []),
            f"ospf 1 router-id {loopback}",
            " area 0.0.0.0",
            f"  network 10.{base}.0.0 0.0.255.255",
            "#",
            f" ip route-static 0.0.0.0 0.0.0.0 {mgmt}.1",
            *s.get("routes", []),
            "#",
            " snmp-agent",
            f" snmp-agent local-engineid {ident.engine_id}",
            f" snmp-agent community read cipher {ident.community}",
            " snmp-agent sys-info version v2c v3",
            "#",
            f" ntp-service unicast-server {mgmt}.123",
            "#",
            " stelnet server enable",
            " ssh user admin authentication-type password",
            " ssh user admin service-type stelnet",
            "#",
            "user-interface con 0",
            " authentication-mode aaa",
            "user-interface vty 0 4",
            " authentication-mode aaa",
            " protocol inbound ssh",
            "#",
        ]
        return "\n".join(body)

    fixed = len(assemble({})) + 3
    kinds: list[tuple[float, c.ItemMaker]] = [(0.35, port), (0.3, vlan), (0.25, rule), (0.1, route)]
    return assemble(c.fill_sections(size - fixed, kinds))


def _stamp(moment: datetime) -> str:
    return f"{c.iso(moment)}+00:00"


def render_config(device: str, body: str, now: datetime, session_no: int) -> str:
    del device
    changed = c.last_change(now, session_no)
    return (
        f"!Software Version {VERSION}\n"
        f"!Last configuration was updated at {_stamp(changed)} by admin\n"
        f"!Last configuration was saved at {_stamp(changed + timedelta(seconds=3))} by admin\n"
        f"{body}\nreturn"
    )


def render_version(device: str, now: datetime, boot_time: datetime) -> str:
    del device
    weeks, days, hours, minutes, _ = c.uptime_parts(now, boot_time)
    days_text = c.plural(weeks * 7 + days, "day")
    uptime = f"{days_text}, {c.plural(hours, 'hour')}, {c.plural(minutes, 'minute')}"
    return f"""Huawei Versatile Routing Platform Software
VRP (R) software, Version 5.170 ({MODEL[:5]} {VERSION})
Copyright (C) 2000-2019 HUAWEI TECH CO., LTD
HUAWEI {MODEL} Routing Switch uptime is {uptime}

ES5D2V52S003 0(Master) : uptime is {uptime}
DRAM memory size     : 512    M bytes
FLASH total memory   : 512    M bytes
FLASH available memory  : 376    M bytes
Pcb      Version   : VER.B
Basic BOOTROM Version   : 0262 Compiled at Aug 23 2018, 15:34:58
CPLD   Version   : 0106
Software Version   : VRP (R) Software, Version 5.170 ({VERSION})"""


def _route_after(line: str, address: str) -> str:
    return f" ip route-static {address} 255.255.255.255 {line.split()[4]}"


_EDITS = c.EditRules(
    is_description=lambda line: line.startswith(" description "),
    rewrite_description=lambda line, text: f" description {text}",
    is_route=lambda line: line.startswith(" ip route-static ") and len(line.split()) >= 5,
    route_after=_route_after,
)


GENERATOR = PlatformGenerator(
    name=NAME,
    config_commands=("display current-configuration",),
    version_commands=("display version",),
    generate_body=generate_body,
    render_config=render_config,
    render_version=render_version,
    edits=_EDITS,
    planted_secrets=planted_secrets,
)
