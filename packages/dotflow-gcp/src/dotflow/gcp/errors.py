"""Errors raised by StorageGCS. Each names the bucket, the cause and the fix."""

from __future__ import annotations

from dotflow.core.exceptions import DotflowError

__all__ = ["BucketNotConfiguredError", "GCSStorageError"]


class BucketNotConfiguredError(DotflowError, ValueError):
    """``StorageGCS()`` was given no bucket and ``DOTFLOW_GCS_BUCKET`` is not set."""

    def __init__(self) -> None:
        super().__init__(
            "StorageGCS needs a bucket: pass StorageGCS(bucket='my-bucket') or set the "
            "environment variable DOTFLOW_GCS_BUCKET (and optionally DOTFLOW_GCS_PREFIX)"
        )


class GCSStorageError(DotflowError, OSError):
    """A Cloud Storage request failed after the SDK's retries (missing bucket, denied, network...).

    Attributes:
        bucket: the bucket.
        key: the object name, or ``None`` for a bucket-level request.
        code: the HTTP status as a string (``"404"``, ``"403"``...) when the server answered.
    """

    def __init__(self, message: str, bucket: str, key: str | None = None, code: str = "") -> None:
        self.bucket = bucket
        self.key = key
        self.code = code
        super().__init__(message)
