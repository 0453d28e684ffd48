"""StorageS3: one JSON object per task in an S3 bucket.

Layout: ``s3://{bucket}/{prefix}{workflow_id}/{task_id}.json`` (the same document
:class:`dotflow.providers.StorageFile` writes). An S3 PUT replaces an object atomically, so a
reader or a resumed run sees the old document or the new one, never half of one.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from dotflow.abc.storage import Storage
from dotflow.aws.client import build_client, make_config
from dotflow.aws.errors import BucketNotConfiguredError, S3StorageError
from dotflow.core.codec import decode_context, encode_context
from dotflow.core.context import Context
from dotflow.core.object_layout import key_of, normalize_prefix, object_name
from dotflow.core.process_local import ProcessLocal

__all__ = ["StorageS3"]

logger = logging.getLogger(__name__)

#: ``DeleteObjects`` takes at most this many keys per request.
DELETE_BATCH = 1000

_MISSING_KEY = frozenset({"NoSuchKey", "404"})
_HINTS = {
    "404": "the bucket does not exist: create it or fix the name",
    "NoSuchBucket": "the bucket does not exist: create it or fix the name",
    "403": (
        "access denied: the credentials need s3:ListBucket, s3:GetObject, s3:PutObject and "
        "s3:DeleteObject on this bucket"
    ),
    "AccessDenied": (
        "access denied: the credentials need s3:ListBucket, s3:GetObject, s3:PutObject and "
        "s3:DeleteObject on this bucket"
    ),
    "301": "the bucket is in another region: pass region=... or set AWS_REGION",
    "PermanentRedirect": "the bucket is in another region: pass region=... or set AWS_REGION",
    "InvalidAccessKeyId": "the access key is unknown: check the AWS credentials",
    "SignatureDoesNotMatch": "the secret key is wrong: check the AWS credentials",
}


class StorageS3(Storage):
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

    Raises:
        BucketNotConfiguredError: no bucket given and ``DOTFLOW_S3_BUCKET`` unset.
        S3StorageError: the bucket does not exist, access is denied, no credentials, or the
            endpoint cannot be reached.
    """

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
    ) -> None:
        bucket = bucket or os.environ.get("DOTFLOW_S3_BUCKET") or None
        if not bucket:
            raise BucketNotConfiguredError()
        if prefix is None:
            prefix = os.environ.get("DOTFLOW_S3_PREFIX", "dotflow/")
        self.bucket = bucket
        self.prefix = normalize_prefix(prefix)
        if client is not None:
            self.region = client.meta.region_name
            self.endpoint_url = client.meta.endpoint_url
            self._config = client.meta.config
        else:
            self.region = region or os.environ.get("AWS_REGION") or None
            self.endpoint_url = endpoint_url
            self._config = make_config(max_attempts, connect_timeout, read_timeout, max_pool=32)
        self._clients: ProcessLocal[BaseClient] = ProcessLocal(self._new_client, client)
        self._check_bucket()

    def __repr__(self) -> str:
        return f"StorageS3(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def _new_client(self) -> BaseClient:
        logger.debug("new S3 client for %s in process %s", self.bucket, os.getpid())
        return build_client(self.region, self.endpoint_url, self._config)

    @property
    def client(self) -> BaseClient:
        """The S3 client of the current process."""
        return self._clients.get()

    def _check_bucket(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as error:
            raise self._error("open bucket", error) from error

    def _error(self, action: str, error: Exception, name: str | None = None) -> S3StorageError:
        where = f"s3://{self.bucket}/{name}" if name else f"s3://{self.bucket}"
        code = ""
        if isinstance(error, ClientError):
            details = error.response.get("Error", {})
            code = str(details.get("Code", ""))
            cause = f"{code} {details.get('Message', '')}".strip()
            hint = _HINTS.get(code, "")
        elif isinstance(error, NoCredentialsError):
            cause = "no AWS credentials found"
            hint = (
                "configure credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, "
                "SSO, or an instance/container role)"
            )
        else:
            cause = f"{type(error).__name__}: {error}"
            hint = "check endpoint_url / AWS_ENDPOINT_URL and the network"
        return S3StorageError(
            f"cannot {action} {where}: {cause}" + (f"; {hint}" if hint else ""),
            bucket=self.bucket,
            key=name,
            code=code,
        )

    def object_name(self, key: str) -> str:
        """The object name ``key`` is stored under (``{prefix}{key}.json``)."""
        return object_name(self.prefix, key)

    def post(self, key: str, context: Context) -> None:
        name = self.object_name(key)
        data = encode_context(context, where=f"key {key!r}")
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=name, Body=data, ContentType="application/json"
            )
        except (ClientError, BotoCoreError) as error:
            raise self._error("write", error, name) from error

    def get(self, key: str) -> Context | None:
        name = self.object_name(key)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=name)
            data = response["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING_KEY:
                return None
            raise self._error("read", error, name) from error
        except BotoCoreError as error:
            raise self._error("read", error, name) from error
        return decode_context(data)

    def _names(self, prefix: str) -> list[tuple[str, str]]:
        """``(key, object name)`` of every stored key starting with ``prefix``, sorted by key."""
        found = []
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", ()):
                    key = key_of(self.prefix, item["Key"])
                    if key is not None and key.startswith(prefix):
                        found.append((key, item["Key"]))
        except (ClientError, BotoCoreError) as error:
            raise self._error("list", error, self.prefix + prefix) from error
        return sorted(found)

    def list_keys(self, prefix: str) -> list[str]:
        return [key for key, _ in self._names(prefix)]

    def delete_prefix(self, prefix: str) -> int:
        names = [name for _, name in self._names(prefix)]
        for start in range(0, len(names), DELETE_BATCH):
            batch = names[start : start + DELETE_BATCH]
            request: dict[str, Any] = {"Objects": [{"Key": n} for n in batch], "Quiet": True}
            try:
                response = self.client.delete_objects(Bucket=self.bucket, Delete=request)
            except (ClientError, BotoCoreError) as error:
                raise self._error("delete objects in", error, self.prefix + prefix) from error
            failures = response.get("Errors", [])
            if failures:
                first = failures[0]
                msg = (
                    f"cannot delete {len(failures)} of {len(batch)} objects under "
                    f"s3://{self.bucket}/{self.prefix}{prefix}, first {first.get('Key')!r}: "
                    f"{first.get('Code')} {first.get('Message', '')}".rstrip()
                )
                raise S3StorageError(msg, self.bucket, first.get("Key"), first.get("Code", ""))
        return len(names)
