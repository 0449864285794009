"""What every platform's generator shares: the identity, the body's opening draws and its sizing.

A platform's module keeps only what is its own: the identity's facts, the body text (its
sections and their assembly), the rendered outputs and where an edit goes.
"""

from __future__ import annotations

import random
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Annotated, Any, ClassVar

# A field of a platform's identity typed ``Secret`` holds a value planted in every body.
_PLANTED = "planted secret"
Secret = Annotated[str, _PLANTED]


class PlantedSecrets:
    """Base of a platform identity (a dataclass): its ``Secret`` fields, in declaration order."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def planted_secrets(self) -> tuple[str, ...]:
        return tuple(getattr(self, name) for name in _secret_fields(type(self)))


_SECRET_FIELDS: dict[type[PlantedSecrets], tuple[str, ...]] = {}


def _secret_fields(identity_type: type[PlantedSecrets]) -> tuple[str, ...]:
    names = _SECRET_FIELDS.get(identity_type)
    if names is None:
        hints = typing.get_type_hints(identity_type, include_extras=True)
        names = tuple(
            f.name
            for f in fields(identity_type)
            if _PLANTED in getattr(hints[f.name], "__metadata__", ())
        )
        _SECRET_FIELDS[identity_type] = names
    return names


@dataclass(frozen=True, slots=True)
class StandardIdentity(PlantedSecrets):
    """What most platforms need: one hardware identifier and three secrets in every body."""

    hardware_id: str  # the serial number or the SNMP engine ID, whichever the platform shows
    admin_hash: Secret
    community: Secret
    tacacs_key: Secret


@dataclass(frozen=True, slots=True)
class Opening:
    """The first draws of every body: its LAN block, management /24 and loopback address."""

    rng: random.Random  # the body's generator, after these draws
    base: int  # second octet of the device's 10.x.y.0/24 LANs
    mgmt: str  # the management /24 as three octets: f"{mgmt}.1" is its gateway
    loopback: str

    @classmethod
    def draw(cls, rng: random.Random) -> Opening:
        base = rng.randrange(0, 200)
        mgmt = f"10.{rng.randrange(200, 250)}.{rng.randrange(256)}"
        loopback = f"10.255.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        return cls(rng, base, mgmt, loopback)

    def private_asn(self) -> int:
        return self.rng.randrange(64512, 65500)

    def core_peer(self) -> str:
        """A routing peer on the core /16, always an odd host."""
        return f"10.254.{self.rng.randrange(256)}.{self.rng.randrange(1, 254, 2)}"

    def lan_gateway(self) -> str:
        """A next hop in the device's first LAN (static routes)."""
        return f"10.{self.base}.0.{self.rng.randrange(2, 6)}"

    def lan_host(self) -> str:
        """A host somewhere in the device's LANs (filter destinations)."""
        return f"10.{self.base}.{self.rng.randrange(256)}.{self.rng.randrange(1, 255)}"


# An item maker returns the (section, text) pieces one more item adds, or None when the platform
# cannot hold more of that kind (e.g. every front port is configured).
ItemMaker = Callable[[int], Sequence[tuple[str, str]] | None]
Sections = dict[str, list[str]]


def fill_sections(budget: int, kinds: Sequence[tuple[float, ItemMaker]]) -> Sections:
    """Add items, keeping each kind near its weight, until ``budget`` bytes are used.

    A kind whose next item would overshoot the budget is retired; smaller kinds keep filling, so the
    result lands within one small item of the budget. Each text costs ``len + 1`` (its newline).
    """
    sections: Sections = {}
    used = [0] * len(kinds)
    count = [0] * len(kinds)
    active = list(range(len(kinds)))
    total = 0
    while active and total < budget:
        k = min(active, key=lambda i: used[i] / kinds[i][0])
        pieces = kinds[k][1](count[k])
        cost = 0 if pieces is None else sum(len(text) + 1 for _, text in pieces)
        if pieces is None or total + cost > budget:
            active.remove(k)
            continue
        for section, text in pieces:
            sections.setdefault(section, []).append(text)
        used[k] += cost
        total += cost
        count[k] += 1
    return sections


def sized_body(
    assemble: Callable[[Sections], list[str]],
    size: int,
    *kinds: tuple[float, ItemMaker],
    overhead: int = 1,
) -> str:
    """The body of about ``size`` bytes: the fixed lines plus items of ``kinds`` filling the rest.

    ``assemble`` gives the body's lines around the filled sections; a kind is the weight of its
    share of the filled bytes and the maker of its items.

    ``overhead`` is what the assembly adds around filled sections besides the items themselves
    (a newline, a section header or closing line that only appears once a section has items).
    """
    fixed = len("\n".join(assemble({}))) + overhead
    return "\n".join(assemble(fill_sections(size - fixed, kinds)))
