"""The device lab: simulated network devices served over real SSH on loopback.

Public API: ``Lab`` (start/stop in a thread or a subprocess, set faults, change configurations),
``load_spec`` / ``parse_spec`` / ``quick_spec`` to describe the devices, ``PLATFORMS`` (the names
of the simulated platforms), and ``cli.lab_group`` (the click group that ``confvault lab`` mounts
through the ``confvault.commands`` entry point).
"""

from confvault_lab.configgen import PLATFORMS
from confvault_lab.control import Lab
from confvault_lab.device import LabDevice
from confvault_lab.server import LabStats
from confvault_lab.spec import FAULTS, LabSpec, load_spec, parse_spec, quick_spec

__all__ = [
    "FAULTS",
    "PLATFORMS",
    "Lab",
    "LabDevice",
    "LabSpec",
    "LabStats",
    "load_spec",
    "parse_spec",
    "quick_spec",
]
