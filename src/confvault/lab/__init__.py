"""The device lab: simulated network devices served over real SSH on loopback.

Public API: ``Lab`` (start/stop in a thread or a subprocess, set faults, change configurations),
``load_spec`` / ``parse_spec`` / ``quick_spec`` to describe the devices, and ``lab_group`` (the
click group the main CLI mounts as ``confvault lab``).
"""

from confvault.lab.control import Lab
from confvault.lab.device import LabDevice
from confvault.lab.server import LabStats
from confvault.lab.spec import FAULTS, LabSpec, load_spec, parse_spec, quick_spec

__all__ = [
    "FAULTS",
    "Lab",
    "LabDevice",
    "LabSpec",
    "LabStats",
    "load_spec",
    "parse_spec",
    "quick_spec",
]
