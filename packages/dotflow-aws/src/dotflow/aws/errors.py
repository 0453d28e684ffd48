"""Errors raised by StorageS3. Each names the bucket, the cause and the fix."""

from __future__ import annotations

from dotflow.spi import objects as object_store

__all__ = ["BucketNotConfiguredError", "S3StorageError"]


class BucketNotConfiguredError(object_store.BucketNotConfiguredError):
    """``StorageS3()`` was given no bucket and ``DOTFLOW_S3_BUCKET`` is not set."""


class S3StorageError(object_store.ObjectStoreError):
    """An S3 request failed after the SDK's retries (missing bucket, access denied, network...).

    ``code`` is the S3 error code (``"NoSuchBucket"``, ``"AccessDenied"``...) when S3 answered.
    """
