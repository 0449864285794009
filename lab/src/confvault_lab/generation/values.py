"""Values shared by the platform generators: seeded randomness, secrets, names and addresses.

Everything is a pure function of its arguments. Randomness always comes from a ``random.Random``
seeded with a string (string seeds hash with SHA-512, so they are stable across processes, unlike
``hash()``), never from the global generator.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

# --- seeded randomness -------------------------------------------------------------------------


def identity_rng(platform: str, device: str, purpose: str) -> random.Random:
    """Facts that must not depend on the body size: model, serial, version, secrets."""
    return random.Random(f"{platform}:{device}:{purpose}")


def body_rng(platform: str, device: str, size: int) -> random.Random:
    return random.Random(f"{platform}:{device}:{size}")


_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_CRYPT = "./" + _ALNUM
_B64 = _ALNUM + "+/"
# Huawei cipher text uses printable punctuation; '%', '$', '#', quotes and spaces are left out so
# the %^%#...%^%# and $1c$...$ delimiters stay unambiguous.
_HUAWEI = _ALNUM + "!*+,-./:;<=>?@[]^_`{|}~"


def pick(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choices(alphabet, k=length))


def crypt_hash(rng: random.Random, scheme: str, salt_len: int, hash_len: int) -> str:
    """A crypt(3)-style string such as ``$9$<salt>$<hash>`` or ``$6$<salt>$<hash>``."""
    return f"${scheme}${pick(rng, _CRYPT, salt_len)}${pick(rng, _CRYPT, hash_len)}"


def cisco_type7(rng: random.Random, plain_len: int = 10) -> str:
    """Cisco type 7 obfuscation: two decimal digits (seed 00-15) then hex pairs."""
    return f"{rng.randrange(16):02d}" + "".join(
        f"{rng.randrange(256):02X}" for _ in range(plain_len)
    )


SERIAL_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def community(rng: random.Random) -> str:
    stem = rng.choice(("nms", "mon", "snmpRO", "noc", "cacti", "zbx", "lbr", "ops"))
    return f"{stem}-{pick(rng, _ALNUM, 10)}"


def junos_nine(rng: random.Random, length: int = 32) -> str:
    return "$9$" + pick(rng, _ALNUM + "./-", length)


def huawei_cipher(rng: random.Random, length: int = 44) -> str:
    return f"%^%#{pick(rng, _HUAWEI, length)}%^%#"


def huawei_irreversible(rng: random.Random) -> str:
    return f"$1c${pick(rng, _HUAWEI, 13)}${pick(rng, _HUAWEI, 40)}$"


def comware_cipher(rng: random.Random, length: int = 24) -> str:
    return f"$c$3${pick(rng, _B64, length)}=="


def comware_hash(rng: random.Random) -> str:
    return f"$h$6${pick(rng, _B64, 16)}${pick(rng, _B64, 86)}=="


def plain_secret(rng: random.Random, length: int = 14) -> str:
    return pick(rng, _ALNUM, length)


# --- realistic values --------------------------------------------------------------------------

SITES = ("ams", "fra", "lon", "par", "mad", "mil", "waw", "sto", "nyc", "chi", "dal", "sjc", "sin")
PEERS = ("core-sw1", "core-sw2", "dist-sw3", "edge-rt1", "edge-rt2", "fw-cl1", "lb-a", "wan-rt4")
ROLES = ("uplink", "downlink", "server", "AP", "printer", "camera", "phone", "hypervisor", "NAS")
CUSTOMERS = (
    "ACME",
    "GLOBEX",
    "INITECH",
    "UMBRELLA",
    "HOOLI",
    "STARK",
    "WAYNE",
    "TYRELL",
    "SOYLENT",
)
VLAN_NAMES = (
    "USERS",
    "VOICE",
    "MGMT",
    "SERVERS",
    "PRINTERS",
    "GUEST",
    "CCTV",
    "IOT",
    "WIFI-CORP",
    "DMZ",
    "BACKUP",
    "STORAGE",
    "VMOTION",
    "LAB",
    "BUILDING-AUTO",
    "POS",
    "HR",
    "FINANCE",
)
TCP_PORTS = (22, 25, 53, 80, 110, 143, 389, 443, 445, 636, 1433, 1521, 3306, 3389, 5432, 8080, 8443)
UDP_PORTS = (53, 67, 69, 123, 161, 162, 500, 514, 1812, 1813, 4500, 5060)


def protocol_and_ports(rng: random.Random) -> tuple[str, tuple[int, ...]]:
    """Mostly TCP, as in real filters; the ports to pick the rule's destination port from."""
    return ("tcp", TCP_PORTS) if rng.random() < 0.7 else ("udp", UDP_PORTS)


def description(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        port = f"Te{rng.randrange(1, 3)}/1/{rng.randrange(1, 9)}"
        return f"{rng.choice(PEERS)}-{rng.choice(SITES)} {port}"
    if kind == 1:
        return f"{rng.choice(ROLES)}-{rng.choice(SITES)}-{rng.randrange(1, 400):03d}"
    if kind == 2:
        return f"CUST-{rng.choice(CUSTOMERS)} circuit {rng.randrange(10**6, 10**7)}"
    return f"{rng.choice(ROLES)} rack {rng.choice('ABCDEFGH')}{rng.randrange(1, 40):02d}"


def dotted_mask(prefix_len: int) -> str:
    bits = (0xFFFFFFFF << (32 - prefix_len)) & 0xFFFFFFFF
    return ".".join(str((bits >> shift) & 255) for shift in (24, 16, 8, 0))


def lan(base: int, index: int) -> tuple[int, int]:
    """The index-th /24 of a device: second and third octets of 10.x.y.0, never repeating."""
    return (base + index // 256) % 256, index % 256


def network(rng: random.Random, length: int) -> str:
    """A remote RFC 1918 network address aligned on its prefix length (routes, ACLs, lists)."""
    block = rng.randrange(3)
    if block == 0:
        value = (10 << 24) | rng.randrange(1 << 24)
    elif block == 1:
        value = (172 << 24) | (16 << 16) | rng.randrange(1 << 20)
    else:
        value = (192 << 24) | (168 << 16) | rng.randrange(1 << 16)
    value &= (0xFFFFFFFF << (32 - max(length, 16))) & 0xFFFFFFFF
    return ".".join(str((value >> shift) & 255) for shift in (24, 16, 8, 0))


def subnet_ip(rng: random.Random) -> str:
    """A remote /24 network address."""
    return network(rng, 24)


def cidr(rng: random.Random, lengths: Sequence[int]) -> str:
    length = rng.choice(lengths)
    return f"{network(rng, length)}/{length}"


def route_prefix(n: int) -> str:
    """A /32 in 100.64.0.0/10 that differs for every n (used by edits)."""
    return f"100.{64 + (n >> 16) % 64}.{(n >> 8) & 255}.{n & 255}"


def mac(rng: random.Random, oui: str) -> str:
    return oui + "".join(f"{rng.randrange(256):02x}" for _ in range(3))
