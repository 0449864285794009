"""HPE/H3C Comware 7 on an S6850: ``display current-configuration`` and ``display version``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from confvault_lab.configgen import _common as c
from confvault_lab.configgen._spec import PlatformGenerator

NAME = "hp_comware"
RELEASE = "7.1.070, Release 6635P07"
MODEL = "S6850-56HF"


@dataclass(frozen=True, slots=True)
class _Identity:
    engine_id: str
    admin_hash: str
    community: str
    tacacs_key: str


def _identity(device: str) -> _Identity:
    rng = c.identity_rng(NAME, device, "identity")
    return _Identity(
        engine_id="800063A280" + c.mac(rng, "70baef").upper() + "00000001",
        admin_hash=c.comware_hash(rng),
        community=c.comware_cipher(rng),
        tacacs_key=c.comware_cipher(rng),
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
    ports = [f"Twenty-FiveGigE1/0/{p}" for p in range(1, 49)] + [
        f"HundredGigE1/0/{p}" for p in range(49, 57)
    ]

    def port(i: int) -> list[tuple[str, str]] | None:
        if i >= len(ports):
            return None
        lines = [
            f"interface {ports[i]}",
            " port link-mode bridge",
            f" description {c.description(rng)}",
        ]
        if ports[i].startswith("Hundred"):
            lines += [
                " port link-type trunk",
                " port trunk permit vlan all",
                " port link-aggregation group 1",
            ]
        else:
            lines += [f" port access vlan {100 + rng.randrange(20)}", " stp edged-port"]
        return [("ports", "\n".join([*lines, "#"]))]

    def vlan(i: int) -> list[tuple[str, str]] | None:
        if i >= 3000:
            return None
        vid, (b, o) = 100 + i, c.lan(base, i)
        svi = f"interface Vlan-interface{vid}\n ip address 10.{b}.{o}.1 255.255.255.0\n#"
        return [
            ("vlans", f"vlan {vid}\n name {rng.choice(c.VLAN_NAMES)}-{i:03d}\n#"),
            ("svis", svi),
        ]

    def rule(i: int) -> list[tuple[str, str]]:
        head = (("#\n" if i else "") + f"acl advanced {3001 + i // 40}\n") if i % 40 == 0 else ""
        proto, ports_ = ("tcp", c.TCP_PORTS) if rng.random() < 0.7 else ("udp", c.UDP_PORTS)
        dst = f"10.{base}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        line = f" rule {5 * (i % 40)} permit {proto} source {c.subnet_ip(rng)} 0.0.0.255"
        return [
            ("acls", f"{head}{line} destination {dst} 0 destination-port eq {rng.choice(ports_)}")
        ]

    def route(i: int) -> list[tuple[str, str]]:
        hop = f"10.{base}.0.{rng.randrange(2, 6)}"
        length = rng.choice((16, 20, 24))
        return [
            (
                "routes",
                f" ip route-static {c.network(rng, length)} {length} {hop}"
                f" description {rng.choice(c.CUSTOMERS)}",
            )
        ]

    def assemble(s: dict[str, list[str]]) -> str:
        acls = s.get("acls", [])
        body = [
            "#",
            f" version {RELEASE}",
            "#",
            f" sysname {device}",
            "#",
            " clock timezone UTC add 00:00:00",
            "#",
            " irf mac-address persistent timer",
            " irf auto-update enable",
            "#",
            " lldp global enable",
            "#",
            " system-working-mode standard",
            " password-recovery enable",
            "#",
            "vlan 1",
            "#",
            *s.get("vlans", []),
            " stp global enable",
            "#",
            "interface NULL0",
            "#",
            "interface LoopBack0",
            f" ip address {loopback} 255.255.255.255",
            "#",
            *s.get("svis", []),
            "interface M-GigabitEthernet0/0/0",
            f" ip address {mgmt}.{mgmt_host} 255.255.255.0",
            "#",
            *s.get("ports", []),
            *acls,
            *(["#"] if acls else []),
            f" ip route-static 0.0.0.0 0 {mgmt}.1",
            *s.get("routes", []),
            "#",
            f" info-center loghost {mgmt}.20",
            "#",
            " snmp-agent",
            f" snmp-agent local-engineid {ident.engine_id}",
            f" snmp-agent community read cipher {ident.community}",
            " snmp-agent sys-info version v2c v3",
            "#",
            " ssh server enable",
            "#",
            f" ntp-service unicast-server {mgmt}.123",
            "#",
            "hwtacacs scheme tac",
            f" primary authentication {mgmt}.31",
            f" primary authorization {mgmt}.31",
            f" key authentication cipher {ident.tacacs_key}",
            " user-name-format without-domain",
            "#",
            "domain system",
            " authentication login hwtacacs-scheme tac local",
            "#",
            " domain default enable system",
            "#",
            "role name level-15",
            "#",
            "local-user admin class manage",
            f" password hash {ident.admin_hash}",
            " service-type ssh terminal",
            " authorization-attribute user-role network-admin",
            "#",
            "line class console",
            " user-role network-admin",
            "#",
            "line vty 0 63",
            " authentication-mode scheme",
            " user-role network-operator",
            "#",
        ]
        return "\n".join(body)

    fixed = len(assemble({})) + 3
    kinds: list[tuple[float, c.ItemMaker]] = [(0.35, port), (0.3, vlan), (0.25, rule), (0.1, route)]
    return assemble(c.fill_sections(size - fixed, kinds))


def render_config(device: str, body: str, now: datetime, session_no: int) -> str:
    del device, now, session_no  # Comware prints no volatile line in its configuration
    return f"{body}\nreturn"


def render_version(device: str, now: datetime, boot_time: datetime) -> str:
    del device
    weeks, days, hours, minutes, _ = c.uptime_parts(now, boot_time)
    uptime = ", ".join(
        [
            c.plural(weeks, "week"),
            c.plural(days, "day"),
            c.plural(hours, "hour"),
            c.plural(minutes, "minute"),
        ]
    )
    return f"""H3C Comware Software, Version {RELEASE}
Copyright (c) 2004-2022 New H3C Technologies Co., Ltd. All rights reserved.
H3C {MODEL} uptime is {uptime}
Last reboot reason : Cold reboot

Boot image: flash:/{MODEL[:5]}-CMW710-BOOT-R6635P07.bin
Boot image version: {RELEASE}
  Compiled Jun 30 2022 11:00:00
System image: flash:/{MODEL[:5]}-CMW710-SYSTEM-R6635P07.bin
System image version: {RELEASE}
  Compiled Jun 30 2022 11:00:00

Slot 1:
{MODEL} with 2 Processors
BOARD TYPE:         {MODEL}
DRAM:               8192M bytes
FLASH:              4096M bytes
PCB 1 Version:      VER.A
Bootrom Version:    121
CPLD 1 Version:     004
Release Version:    H3C {MODEL}-6635P07"""


def _route_after(line: str, address: str) -> str:
    return f" ip route-static {address} 32 {line.split()[3]}"


_EDITS = c.EditRules(
    is_description=lambda line: line.startswith(" description "),
    rewrite_description=lambda line, text: f" description {text}",
    is_route=lambda line: line.startswith(" ip route-static ") and len(line.split()) >= 4,
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
