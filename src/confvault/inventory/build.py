"""Apply nornir's inheritance rules to checked elements and build ``Device`` objects.

Rules, as in ``nornir/core/inventory.py`` (3.6):
- hostname/port/username/password/platform: the host's value, else the first group of
  ``extended_groups()`` (depth-first, parents right after their child, no repeats) that sets it,
  else defaults.
- data: key by key with the same order (``extended_data``).
- connection_options.netmiko (``_get_connection_options_recursively``): field by field, the
  host's, then for each direct group *its* merged options (which already include the defaults),
  then defaults; ``extras`` is taken whole from the first level that has it. nornir-netmiko
  then uses each netmiko field when set, else the host attribute.
"""

from __future__ import annotations

from collections.abc import Mapping

from confvault.inventory.fields import ATTRIBUTES, INVALID, SAFE_SEGMENT, Fields
from confvault.inventory.problems import Problems
from confvault.inventory.yaml_loader import shorten
from confvault.models import Device, Secret

_MISSING = "missing (set it on the host, one of its groups or in defaults)"


class Resolver:
    def __init__(self, groups: Mapping[str, Fields], defaults: Fields, problems: Problems) -> None:
        self._groups = groups
        self._defaults = defaults
        self._problems = problems
        self._extended: dict[str, tuple[str, ...]] = {}
        self._netmiko: dict[str, dict[str, object]] = {}
        self.broken_groups: set[str] = set()
        self._check_group_references()

    def _check_group_references(self) -> None:
        for fields in self._groups.values():
            self._check_parents(fields)
        for name in self._groups:
            self._find_cycle(name, ())

    def _check_parents(self, fields: Fields) -> bool:
        ok = True
        for parent in fields.groups:
            if parent not in self._groups:
                where = fields.element.at("groups")
                self._problems.add(f"{where}: unknown group {parent!r}{self._close(parent)}")
                ok = False
        return ok

    def _close(self, name: str) -> str:
        import difflib

        hint = difflib.get_close_matches(name, list(self._groups), n=1)
        return f" (did you mean {hint[0]!r}?)" if hint else ""

    def _find_cycle(self, name: str, path: tuple[str, ...]) -> bool:
        if name in path:
            cycle = " -> ".join((*path[path.index(name) :], name))
            self._problems.add(f"{self._groups[name].element.at('groups')}: group cycle {cycle}")
            self.broken_groups.update(path)
            return True
        if name in self._extended or name not in self._groups:
            return False
        found = any(self._find_cycle(p, (*path, name)) for p in self._groups[name].groups)
        if not found:
            self._extended[name] = self._walk(self._groups[name].groups)
        return found

    def _walk(self, direct: tuple[str, ...]) -> tuple[str, ...]:
        """nornir's ``extended_groups``: each group, then its own extended groups, no repeats."""
        order: list[str] = []
        for name in direct:
            if name not in self._groups:
                continue
            for member in (name, *self._extended.get(name, ())):
                if member not in order:
                    order.append(member)
        return tuple(order)

    def host_usable(self, host: Fields) -> bool:
        parents_ok = self._check_parents(host)
        return parents_ok and not any(self._reaches_broken(g) for g in host.groups)

    def _reaches_broken(self, name: str) -> bool:
        return name in self.broken_groups or any(
            g in self.broken_groups for g in self._extended.get(name, ())
        )

    def chain(self, host: Fields) -> list[Fields]:
        """Host, its extended groups in nornir's order, then defaults."""
        return [host, *(self._groups[g] for g in self._walk(host.groups)), self._defaults]

    def attribute(self, chain: list[Fields], name: str) -> tuple[object, Fields | None]:
        for fields in chain:
            if name in fields.attributes:
                return fields.attributes[name], fields
        return None, None

    def data(self, chain: list[Fields], key: str) -> tuple[object, Fields | None]:
        for fields in chain:
            if key in fields.data:
                return fields.data[key], fields
        return None, None

    def netmiko(self, fields: Fields) -> dict[str, object]:
        """nornir's ``_get_connection_options_recursively`` for the netmiko connection."""
        if fields.element.kind == "group" and fields.element.name in self._netmiko:
            return self._netmiko[fields.element.name]
        merged = dict(fields.netmiko or {})
        if fields.element.kind != "defaults":
            for parent in fields.groups:
                if parent in self._groups:
                    for key, value in self.netmiko(self._groups[parent]).items():
                        merged.setdefault(key, value)
            for key, value in (self._defaults.netmiko or {}).items():
                merged.setdefault(key, value)
        if fields.element.kind == "group":
            self._netmiko[fields.element.name] = merged
        return merged


def build_device(host: Fields, resolver: Resolver, problems: Problems) -> Device | None:
    """The host's ``Device``, or None after recording why it cannot be built."""
    if not resolver.host_usable(host):
        return None
    element = host.element
    chain = resolver.chain(host)
    connection = resolver.netmiko(host)
    values: dict[str, object] = {}
    broken = False
    extras = dict(connection.get("extras") or {})  # type: ignore[call-overload]
    # With a key or an agent, a password is optional (paramiko tries the keys first).
    optional = ("port", "password") if _logs_in_with_keys(extras) else ("port",)
    for name in ATTRIBUTES:
        value = connection.get(name)
        if value is None:
            value, _ = resolver.attribute(chain, name)
        if value is INVALID:
            broken = True  # already reported where it was written
        elif value is None and name not in optional:
            problems.add(f"{element.at(name)}: {_MISSING}")
            broken = True
        values[name] = value
    secret = extras.pop("secret", None)
    port_in_extras = extras.pop("port", None)  # nornir-netmiko lets extras override the port
    broken = broken or INVALID in (secret, port_in_extras, *extras.values())
    if extras.get("transport") == "telnet" and "jump_host" in extras:
        problems.add(
            f"{element.at('connection_options.netmiko.extras')}: transport telnet cannot go "
            "through a jump_host (confvault's jump host carries SSH only)"
        )
        broken = True
    provider, _ = resolver.data(chain, "provider")
    if provider is None:
        problems.add(f"{element.at('data.provider')}: {_MISSING}")
        broken = True
    active, _ = resolver.data(chain, "active")
    accept_shrink, _ = resolver.data(chain, "accept_shrink")
    # the whole list from the first level that sets it, as nornir's data (no concatenation)
    extra_commands, _ = resolver.data(chain, "extra_commands")
    if INVALID in (provider, active, accept_shrink, extra_commands):
        broken = True
    if broken:
        return None
    port, password = port_in_extras or values["port"], values["password"]
    if password is None:
        password = Secret("")
    if not isinstance(password, Secret):  # pragma: no cover - fields.py only stores Secret here
        return None
    return Device(
        name=element.name,
        hostname=str(values["hostname"]),
        platform=str(values["platform"]),
        provider=str(provider),
        port=port if isinstance(port, int) else (23 if extras.get("transport") == "telnet" else 22),
        active=active is not False,  # default true; an explicit null keeps the default too
        username=str(values["username"]),
        password=password,
        enable_secret=secret if isinstance(secret, Secret) else None,
        groups=host.groups,
        accept_shrink=accept_shrink is True,
        extra_commands=extra_commands if isinstance(extra_commands, tuple) else (),
        connect_options=extras,
    )


def _logs_in_with_keys(extras: dict[str, object]) -> bool:
    return extras.get("use_keys") is True or extras.get("allow_agent") is True


def check_host_name(host: Fields, problems: Problems) -> bool:
    element = host.element
    if SAFE_SEGMENT.fullmatch(element.name):
        return True
    problems.add(
        f"{element.where}:{element.line}: host {element.name!r}: name: expected letters, "
        f"digits, '.', '_' or '-' (it becomes the archive file name), got {shorten(element.name)}"
    )
    return False
