"""confvault: network configuration backup (Nornir collection, Git archive, SQL status)."""

__version__ = "0.1.0"
