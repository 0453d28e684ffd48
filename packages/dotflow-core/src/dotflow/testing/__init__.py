"""Contract suites that every adapter's tests, and third-party authors, subclass."""

from dotflow.testing.notify import NotifyContract
from dotflow.testing.object_store import ObjectStorageContract
from dotflow.testing.resume import ResumeContract
from dotflow.testing.storage import EXACT_VALUES, JSON_VALUES, StorageContract
from dotflow.testing.telemetry import MetricsContract, TracerContract

__all__ = [
    "EXACT_VALUES",
    "JSON_VALUES",
    "MetricsContract",
    "NotifyContract",
    "ObjectStorageContract",
    "ResumeContract",
    "StorageContract",
    "TracerContract",
]
