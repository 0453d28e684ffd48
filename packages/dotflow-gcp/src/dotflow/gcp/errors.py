"""Errors raised by StorageGCS. Each names the bucket, the cause and the fix."""

from __future__ import annotations

from dotflow.spi import objects as object_store

__all__ = ["BucketNotConfiguredError", "GCSStorageError"]


class BucketNotConfiguredError(object_store.BucketNotConfiguredError):
    """``StorageGCS()`` was given no bucket and ``DOTFLOW_GCS_BUCKET`` is not set."""


class GCSStorageError(object_store.ObjectStoreError):
    """A Cloud Storage request failed after the SDK's retries (missing bucket, denied, network...).

    ``code`` is the HTTP status as a string (``"404"``, ``"403"``...) when the server answered.
    """
