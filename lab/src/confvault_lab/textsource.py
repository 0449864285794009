"""The lab's single door to ``confvault_lab.configgen`` (configuration and version text).

Everything else in the lab reads text functions through ``GEN`` so the seam stays in one place.
"""

from __future__ import annotations

from confvault_lab import configgen as GEN  # noqa: N812 - a module used like a constant

__all__ = ["GEN"]
