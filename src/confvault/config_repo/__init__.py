"""The Git archive: one file per device, at most one crash-safe commit per run.

This is the only package that imports GitPython.
"""

from confvault.config_repo.maintenance import Maintenance
from confvault.config_repo.queries import CommitInfo
from confvault.config_repo.repo import ConfigRepo
from confvault.config_repo.staging import BlobStager

__all__ = ["BlobStager", "CommitInfo", "ConfigRepo", "Maintenance"]
