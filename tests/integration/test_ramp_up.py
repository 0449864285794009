"""The ramp-up: the first logins of a run are spread out instead of hitting AAA all at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from confvault.service import RunReport
from confvault_lab import Lab, parse_spec
from tests.integration.project import Project, write_project

pytestmark = pytest.mark.integration

WORKERS = 6


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    root = tmp_path_factory.mktemp("ramp")
    groups = [{"platform": "cisco_ios", "provider": "acme", "count": WORKERS, "size": 3000}]
    with Lab(
        parse_spec({"groups": groups}), root / "lab", inventory_dir=root / "p" / "inventory"
    ) as lab:
        yield write_project(root / "p", lab, workers=WORKERS)


def _login_spread_s(report: RunReport) -> float:
    starts = sorted(r.started_at for r in report.results)
    return (starts[-1] - starts[0]).total_seconds()


def test_first_logins_are_spread_over_the_ramp(project: Project) -> None:
    report = project.run(ramp_up=1.2)
    assert report.ok_count == WORKERS
    # six logins, one every 0.2 s: the last starts 1.0 s after the first
    assert 0.9 <= _login_spread_s(report) < 1.6


def test_ramp_up_zero_starts_every_worker_at_once(project: Project) -> None:
    report = project.run(ramp_up=0)
    assert report.ok_count == WORKERS
    assert _login_spread_s(report) < 0.4
