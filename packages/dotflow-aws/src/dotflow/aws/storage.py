"""StorageS3: one JSON object per task in an S3 bucket.

Layout: ``s3://{bucket}/{prefix}{workflow_id}/{task_id}.json`` (the same document
:class:`dotflow.providers.StorageFile` writes). An S3 PUT replaces an object atomically, so a
reader or a resumed run sees the old document or the new one, never half of one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from dotflow.aws.client import build_client, make_config
from dotflow.aws.errors import BucketNotConfiguredError, S3StorageError
from dotflow.spi.objects import ObjectStorage

__all__ = ["StorageS3"]

logger = logging.getLogger(__name__)

#: ``DeleteObjects`` takes at most this many keys per request.
DELETE_BATCH = 1000

_MISSING_KEY = frozenset({"NoSuchKey", "404"})
_NO_BUCKET = "the bucket does not exist: create it or fix the name"
_DENIED = (
    "access denied: the credentials need s3:ListBucket, s3:GetObject, s3:PutObject and "
    "s3:DeleteObject on this bucket"
)
_OTHER_REGION = "the bucket is in another region: pass region=... or set AWS_REGION"
# S3 answers with an error code, or only an HTTP status (to HEAD requests).
_HINTS = {
    "404": _NO_BUCKET,
    "NoSuchBucket": _NO_BUCKET,
    "403": _DENIED,
    "AccessDenied": _DENIED,
    "301": _OTHER_REGION,
    "PermanentRedirect": _OTHER_REGION,
    "InvalidAccessKeyId": "the access key is unknown: check the AWS credentials",
    "SignatureDoesNotMatch": "the secret key is wrong: check the AWS credentials",
}


class StorageS3(ObjectStorage[BaseClient]):
    """Stores each task's context as a JSON object in S3.

    The bucket is checked when the storage is made (``HeadBucket``), so a missing bucket or
    missing permission fails at once, naming the bucket and the cause.

    Args:
        bucket: the bucket; when ``None``, the ``DOTFLOW_S3_BUCKET`` environment variable.
        prefix: the folder inside the bucket (``"dotflow/"``; ``""`` for the bucket root); when
            ``None``, ``DOTFLOW_S3_PREFIX`` or ``"dotflow/"``. A missing final ``/`` is added.
        region: the AWS region; when ``None``, ``AWS_REGION``, then the standard AWS
            configuration (``AWS_DEFAULT_REGION``, the profile).
        endpoint_url: an S3-compatible endpoint; when ``None``, ``AWS_ENDPOINT_URL_S3`` /
            ``AWS_ENDPOINT_URL``, then AWS.
        client: a boto3 S3 client to use in this process (its region, endpoint and
            configuration win over the arguments above). Clients cannot cross a ``fork``, so
            any other process builds its own with the same region, endpoint and configuration
            and the standard credential chain.
        max_attempts: total attempts per request in botocore's ``standard`` retry mode
            (throttling, 5xx, connection errors; capped exponential backoff). ``None`` defers
            to ``AWS_MAX_ATTEMPTS`` / the profile.
        connect_timeout: seconds to open a connection.
        read_timeout: seconds to wait for data on an open connection.
        serializer: ``"json"`` (plain JSON, or tagged JSON for tuples, sets, bytes, Decimal, UUID,
            dates and times: exact round trips) or ``"pickle"`` (any picklable object;
            unpickling runs code from the objects, so only for a bucket nobody else can write to).

    Raises:
        BucketNotConfiguredError: no bucket given and ``DOTFLOW_S3_BUCKET`` unset.
        S3StorageError: the bucket does not exist, access is denied, no credentials, or the
            endpoint cannot be reached.
    """

    scheme = "s3"
    variable_prefix = "DOTFLOW_S3"
    failures = (ClientError, BotoCoreError)
    error_type = S3StorageError
    bucket_error_type = BucketNotConfiguredError

    def __init__(
        self,
        bucket: str | None = None,
        prefix: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        client: BaseClient | None = None,
        *,
        max_attempts: int | None = 5,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        serializer: str = "json",
    ) -> None:
        if client is not None:
            self.region = client.meta.region_name
            self.endpoint_url = client.meta.endpoint_url
            self._config = client.meta.config
        else:
            self.region = region or os.environ.get("AWS_REGION") or None
            self.endpoint_url = endpoint_url
            self._config = make_config(max_attempts, connect_timeout, read_timeout, max_pool=32)
        super().__init__(bucket, prefix, client, serializer)
        self._attempt("open bucket", None, lambda: self.client.head_bucket(Bucket=self.bucket))

    def _new_client(self) -> BaseClient:
        logger.debug("new S3 client for %s in process %s", self.bucket, os.getpid())
        return build_client(self.region, self.endpoint_url, self._config)

    def _explain(self, error: BaseException) -> tuple[str, str, str]:
        if isinstance(error, ClientError):
            details = error.response.get("Error", {})
            code = str(details.get("Code", ""))
            return f"{code} {details.get('Message', '')}".strip(), _HINTS.get(code, ""), code
        if isinstance(error, NoCredentialsError):
            hint = (
                "configure credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, "
                "SSO, or an instance/container role)"
            )
            return "no AWS credentials found", hint, ""
        hint = "check endpoint_url / AWS_ENDPOINT_URL and the network"
        return f"{type(error).__name__}: {error}", hint, ""

    # -- the SDK calls -------------------------------------------------------------------------

    def _put(self, name: str, data: bytes) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=name, Body=data, ContentType="application/json"
        )

    def _read(self, name: str) -> bytes | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING_KEY:
                return None
            raise
        data: bytes = response["Body"].read()
        return data

    def _list(self, prefix: str) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", ()):
                yield item["Key"]

    def _delete(self, names: list[str]) -> None:
        for start in range(0, len(names), DELETE_BATCH):
            batch = names[start : start + DELETE_BATCH]
            request: dict[str, Any] = {"Objects": [{"Key": n} for n in batch], "Quiet": True}
            response = self.client.delete_objects(Bucket=self.bucket, Delete=request)
            failures = response.get("Errors", [])
            if failures:
                first = failures[0]
                msg = (
                    f"cannot delete {len(failures)} of {len(batch)} objects in "
                    f"{self.url()}, first {first.get('Key')!r}: "
                    f"{first.get('Code')} {first.get('Message', '')}".rstrip()
                )
                raise S3StorageError(msg, self.bucket, first.get("Key"), first.get("Code", ""))
