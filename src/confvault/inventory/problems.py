"""Collect every inventory problem, then report them together."""

from __future__ import annotations

from confvault.errors import InventoryError
from confvault.inventory.yaml_loader import one_line


class InventoryProblemsError(InventoryError):
    """The inventory is invalid. ``str()`` is the first problem; ``problems`` holds all of them."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        self.problems = problems
        more = len(problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(problems[0] + suffix)


class Problems:
    """An ordered, de-duplicated list of one-line problems (an inherited value is reported once)."""

    def __init__(self) -> None:
        self._seen: dict[str, None] = {}

    def add(self, message: str) -> None:
        self._seen.setdefault(one_line(message), None)

    def __bool__(self) -> bool:
        return bool(self._seen)

    def __len__(self) -> int:
        return len(self._seen)

    def raise_if_any(self) -> None:
        if self._seen:
            raise InventoryProblemsError(tuple(self._seen))
