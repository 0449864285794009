"""The lab at benchmark scale: 3,000 devices start fast and serve a 100-worker run cleanly.

Run with ``pytest -m slow tests/lab/test_scale.py -s`` to see the figures.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from confvault_lab import Lab, quick_spec

from .conftest import ALL_PLATFORMS, collect

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_3000_devices_start_fast_and_serve_100_workers(tmp_path: Path) -> None:
    spec = quick_spec(3000, list(ALL_PLATFORMS), size=20_000)
    with Lab(spec, tmp_path / "lab", inventory_dir=tmp_path / "inv", in_subprocess=True) as lab:
        print(f"\nstart of 3000 devices (subprocess, until listening): {lab.start_seconds:.2f} s")
        assert lab.start_seconds < 5
        assert len(lab.devices) == 3000
        began = time.monotonic()
        results = collect(lab, workers=100, read_timeout=60, extras={"conn_timeout": 30})
        elapsed = time.monotonic() - began
        time.sleep(0.5)  # let the lab write its final statistics
        stats = lab.stats()
    failed = {name: r.error for name, r in results.items() if not r.ok}
    print(
        f"100-worker run over 3000 devices: {elapsed:.1f} s, {3000 / elapsed:.1f} devices/s, "
        f"failed {len(failed)}, lab sessions {stats.sessions_served}, lab errors {stats.lab_errors}"
    )
    assert not failed, list(failed.items())[:3]
    assert stats.lab_errors == 0
    assert stats.sessions_served >= 3000
