"""The validated inventory: an ordered tuple of devices with lookup and selection."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from confvault.errors import InventoryError
from confvault.models import Device


def _close_matches(word: str, candidates: Iterable[str]) -> str:
    matches = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(repr(m) for m in matches)}?)" if matches else ""


def _platform_name(name: str) -> str:
    from confvault.inventory.fields import canonical_platform

    try:
        return canonical_platform(name)
    except ValueError as exc:
        raise InventoryError(str(exc)) from None


@dataclass(frozen=True, slots=True)
class Inventory:
    devices: tuple[Device, ...]
    _by_name: dict[str, Device] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {d.name: d for d in self.devices})

    def __len__(self) -> int:
        return len(self.devices)

    def __iter__(self) -> Iterator[Device]:
        return iter(self.devices)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    @property
    def providers(self) -> tuple[str, ...]:
        return tuple(sorted({d.provider for d in self.devices}))

    @property
    def active(self) -> tuple[Device, ...]:
        return tuple(d for d in self.devices if d.active)

    def get(self, name: str) -> Device:
        """The device called ``name``; an unknown name: ``InventoryError`` naming close matches."""
        device = self._by_name.get(name)
        if device is None:
            raise InventoryError(f"unknown device {name!r}{_close_matches(name, self._by_name)}")
        return device

    def select(
        self,
        names: Iterable[str] = (),
        provider: str | None = None,
        platform: str | None = None,
        active_only: bool = True,
    ) -> tuple[Device, ...]:
        """Devices matching every given filter, in inventory order.

        A name, provider or platform that matches nothing in the inventory is a typo, not an empty
        selection: it raises ``InventoryError``. A device named explicitly but marked
        ``active: false`` raises too (pass ``active_only=False`` to include it), so an operator
        never believes a disabled device was backed up.
        """
        wanted = tuple(dict.fromkeys(names))
        for name in wanted:
            device = self.get(name)
            if active_only and not device.active:
                raise InventoryError(
                    f"device {name!r} is inactive (data.active: false in the inventory)"
                )
        if provider is not None and provider not in self.providers:
            raise InventoryError(
                f"no device has provider {provider!r}{_close_matches(provider, self.providers)}"
            )
        platforms = {d.platform for d in self.devices}
        if platform is not None:
            platform = _platform_name(platform)
        if platform is not None and platform not in platforms:
            known = ", ".join(sorted(platforms)) or "none"
            raise InventoryError(f"no device has platform {platform!r} (in the inventory: {known})")
        chosen = set(wanted)
        return tuple(
            d
            for d in self.devices
            if (not chosen or d.name in chosen)
            and (provider is None or d.provider == provider)
            and (platform is None or d.platform == platform)
            and (d.active or not active_only)
        )
