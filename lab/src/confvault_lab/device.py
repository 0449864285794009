"""A simulated device at run time: where it listens, its configuration body and its faults."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from confvault_lab import configgen
from confvault_lab.labdir import LabDir
from confvault_lab.platforms import platform_named
from confvault_lab.spec import DeviceSpec

HUGE_SIZE = 20_000_000  # the `huge` fault: ~20 MB, still a valid configuration
GENERATED_MIN, GENERATED_MAX = 2_000, 2_000_000  # what configgen.generate_body accepts
SLOW_RATE_BPS = 40  # the `slow` fault: far slower than any sane read timeout


@dataclass(frozen=True, slots=True)
class LabDevice:
    """What a client needs to reach one device (also what ``Lab.devices`` lists)."""

    name: str
    address: str
    port: int
    platform: str
    provider: str


@dataclass(slots=True)
class DeviceRuntime:
    spec: DeviceSpec
    address: str
    port: int
    boot_time: datetime
    sessions: int = 0
    _generated: dict[int, str] = field(default_factory=dict)  # size -> body, made lazily

    @property
    def public(self) -> LabDevice:
        s = self.spec
        return LabDevice(s.name, self.address, self.port, s.platform, s.provider)

    def generated_body(self, size: int) -> str:
        body = self._generated.get(size)
        if body is None:
            body = configgen.generate_body(self.spec.platform, self.spec.name, size)
            self._generated[size] = body
        return body

    def current_body(self, lab_dir: LabDir) -> str:
        """The replacement file wins when present (re-read on every request), else generated."""
        override = lab_dir.read_config(self.spec.name)
        return override if override is not None else self.generated_body(self.spec.size)

    def config_text(self, lab_dir: LabDir, fault: str | None) -> str:
        """The full output of the configuration command, shaped by the device's fault."""
        platform, name = self.spec.platform, self.spec.name
        if fault == "huge":
            # the generator stops at GENERATED_MAX bytes: repeat its largest body up to HUGE_SIZE
            block = self.generated_body(GENERATED_MAX).rstrip("\n") + "\n"
            body = block * max(1, HUGE_SIZE // len(block))
        elif fault == "shrink":
            body = self.generated_body(max(self.spec.size // 10, GENERATED_MIN))
        else:
            body = self.current_body(lab_dir)
        text = configgen.render_config(platform, name, body, datetime.now(UTC), self.sessions)
        if fault == "no_end_marker":
            text = without_end_marker(platform, text)
        return text

    def version_text(self) -> str:
        return configgen.render_version(
            self.spec.platform, self.spec.name, datetime.now(UTC), self.boot_time
        )

    def garbage(self) -> bytes:
        return random.Random(self.spec.name).randbytes(4096)


def boot_time_for(name: str, started: datetime) -> datetime:
    """A stable, per-device boot time so uptimes differ between devices but not between runs."""
    offset = random.Random(name).randrange(3_600, 400 * 86_400)
    return started - timedelta(seconds=offset)


def without_end_marker(platform: str, text: str) -> str:
    """The configuration cut the way a truncated real session looks on the platform."""
    return platform_named(platform).truncation.cut(text)
