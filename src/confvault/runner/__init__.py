"""Collection: the only package that imports nornir and netmiko."""

from confvault.runner.connection import netmiko_device_types
from confvault.runner.engine import DeviceCollection
from confvault.runner.hostkeys import HostKeyCheck
from confvault.runner.options import RunnerOptions

__all__ = ["DeviceCollection", "HostKeyCheck", "RunnerOptions", "netmiko_device_types"]
