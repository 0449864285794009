"""The lab's realistic configuration edits: one description rewritten or one static route added."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from confvault_lab.errors import LabError
from confvault_lab.generation.values import description, route_prefix


@dataclass(frozen=True, slots=True)
class EditRules:
    """How to find and rewrite an interface description and a static route in one platform."""

    is_description: Callable[[str], bool]
    rewrite_description: Callable[[str, str], str]  # (line, new text) -> line
    is_route: Callable[[str], bool]
    route_after: Callable[[str, str], str]  # (existing route line, new /32 address) -> new line

    @classmethod
    def one_line_each(cls, description_prefix: str, route: ColumnRoute) -> EditRules:
        """A description is ``description_prefix`` + text; a route is one line of words."""
        return cls(
            is_description=lambda line: line.startswith(description_prefix),
            rewrite_description=lambda line, text: f"{description_prefix}{text}",
            is_route=route.matches,
            route_after=route.after,
        )


@dataclass(frozen=True, slots=True)
class ColumnRoute:
    """A static route written as one line of words, its next hop the word at ``hop_column``."""

    prefix: str  # how every such route line starts
    hop_column: int
    new_route: str  # the added line, from {address} (the new /32) and {hop}
    exact: bool = False  # the line has no words after the next hop
    not_vrf: bool = False  # a route inside a VRF (third word 'vrf') is left alone

    def matches(self, line: str) -> bool:
        if not line.startswith(self.prefix):
            return False
        words = line.split()
        if self.not_vrf and len(words) > 2 and words[2] == "vrf":
            return False
        return len(words) == self.hop_column + 1 if self.exact else len(words) > self.hop_column

    def after(self, line: str, address: str) -> str:
        return self.new_route.format(address=address, hop=line.split()[self.hop_column])


def edit_body(platform: str, body: str, n: int, rules: EditRules) -> str:
    """The n-th small edit: even n rewrite one description, odd n add one static route."""
    lines = body.split("\n")
    rng = random.Random(f"{platform}:edit:{n}")
    descriptions = [i for i, line in enumerate(lines) if rules.is_description(line)]
    routes = [i for i, line in enumerate(lines) if rules.is_route(line)]
    if not descriptions and not routes:
        raise LabError(f"{platform}: body has no interface description or static route to edit")
    if descriptions and (n % 2 == 0 or not routes):
        at = descriptions[rng.randrange(len(descriptions))]
        lines[at] = rules.rewrite_description(lines[at], f"{description(rng)} CHG{n:07d}")
    else:
        at = routes[rng.randrange(len(routes))]
        lines.insert(at + 1, rules.route_after(lines[at], route_prefix(n)))
    return "\n".join(lines)


def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" "))]
