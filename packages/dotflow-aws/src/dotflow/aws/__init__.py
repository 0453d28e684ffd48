"""dotflow-aws: task results in Amazon S3 (or any S3-compatible store)."""

from dotflow.aws.errors import BucketNotConfiguredError, S3StorageError
from dotflow.aws.storage import StorageS3

__all__ = ["BucketNotConfiguredError", "S3StorageError", "StorageS3"]
