"""Per-invocation state shared by the commands: where settings come from, loaded once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from confvault.settings import Settings, load_settings


@dataclass
class AppContext:
    config_file: str | None
    overrides: dict[str, object] = field(default_factory=dict)

    def settings(self, **more: object) -> Settings:
        """Settings with the group's flags and the command's own flags applied (flags win)."""
        return load_settings(
            Path(self.config_file) if self.config_file else None,
            env=os.environ,
            overrides={**self.overrides, **more},
        )
