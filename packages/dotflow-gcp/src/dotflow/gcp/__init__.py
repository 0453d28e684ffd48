"""dotflow-gcp: task results in Google Cloud Storage."""

from dotflow.gcp.errors import BucketNotConfiguredError, GCSStorageError
from dotflow.gcp.storage import StorageGCS

__all__ = ["BucketNotConfiguredError", "GCSStorageError", "StorageGCS"]
