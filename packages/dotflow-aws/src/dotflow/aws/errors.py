"""Errors raised by StorageS3. Each names the bucket, the cause and the fix."""

from __future__ import annotations

from dotflow.core.exceptions import DotflowError

__all__ = ["BucketNotConfiguredError", "S3StorageError"]


class BucketNotConfiguredError(DotflowError, ValueError):
    """``StorageS3()`` was given no bucket and ``DOTFLOW_S3_BUCKET`` is not set."""

    def __init__(self) -> None:
        super().__init__(
            "StorageS3 needs a bucket: pass StorageS3(bucket='my-bucket') or set the environment "
            "variable DOTFLOW_S3_BUCKET (and optionally DOTFLOW_S3_PREFIX)"
        )


class S3StorageError(DotflowError, OSError):
    """An S3 request failed after the SDK's retries (missing bucket, access denied, network...).

    Attributes:
        bucket: the bucket.
        key: the object key, or ``None`` for a bucket-level request.
        code: the S3 error code (``"NoSuchBucket"``, ``"AccessDenied"``...) when S3 answered.
    """

    def __init__(self, message: str, bucket: str, key: str | None = None, code: str = "") -> None:
        self.bucket = bucket
        self.key = key
        self.code = code
        super().__init__(message)
