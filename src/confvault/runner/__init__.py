"""Collection: the only package that imports nornir and netmiko."""

from confvault.runner.engine import Collection, RunnerOptions

__all__ = ["Collection", "RunnerOptions"]
