"""StorageGCS: one JSON object per task in a Google Cloud Storage bucket.

Layout: ``gs://{bucket}/{prefix}{workflow_id}/{task_id}.json`` (the same document
:class:`dotflow.providers.StorageFile` writes). Cloud Storage replaces an object atomically, so
a reader or a resumed run sees the old document or the new one, never half of one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

from google.api_core.exceptions import GoogleAPICallError, NotFound, RetryError
from google.auth.exceptions import DefaultCredentialsError, GoogleAuthError
from google.cloud import storage

from dotflow.gcp.client import build_client, make_retry
from dotflow.gcp.errors import BucketNotConfiguredError, GCSStorageError
from dotflow.spi.objects import ObjectStorage

__all__ = ["StorageGCS"]

logger = logging.getLogger(__name__)

#: Deletes sent per batch request (Cloud Storage accepts up to 100 calls in one batch).
DELETE_BATCH = 100

_HINTS = {
    "404": "the bucket does not exist: create it or fix the name",
    "403": (
        "access denied: the credentials need storage.objects.list, get, create and delete on "
        "this bucket (for example roles/storage.objectAdmin)"
    ),
    "401": "the credentials were refused: check Application Default Credentials",
}


class StorageGCS(ObjectStorage[storage.Client]):
    """Stores each task's context as a JSON object in Cloud Storage.

    The bucket is checked when the storage is made (by listing at most one object under the
    prefix), so a missing bucket or missing permission fails at once, naming the bucket and the
    cause.

    Args:
        bucket: the bucket; when ``None``, the ``DOTFLOW_GCS_BUCKET`` environment variable.
        prefix: the folder inside the bucket (``"dotflow/"``; ``""`` for the bucket root); when
            ``None``, ``DOTFLOW_GCS_PREFIX`` or ``"dotflow/"``. A missing final ``/`` is added.
        project: the Google Cloud project; when ``None``, the one of the environment
            (``GOOGLE_CLOUD_PROJECT``, Application Default Credentials).
        client: a ``google.cloud.storage.Client`` to use in this process. Clients cannot cross a
            ``fork``, so any other process builds its own with the same project, endpoint and
            credentials.
        credentials: ``google.auth`` credentials for the clients this storage builds; when
            ``None``, Application Default Credentials (anonymous with ``STORAGE_EMULATOR_HOST``).
        retry_deadline: seconds a request may take in total, retries included (the library's
            ``DEFAULT_RETRY``: 408, 429, 5xx and connection errors, exponential backoff).
        connect_timeout: seconds to open a connection.
        read_timeout: seconds to wait for data on an open connection.
        serializer: ``"json"`` (plain JSON, or tagged JSON for tuples, sets, bytes, Decimal, UUID,
            dates and times: exact round trips) or ``"pickle"`` (any picklable object;
            unpickling runs code from the objects, so only for a bucket nobody else can write to).

    Raises:
        BucketNotConfiguredError: no bucket given and ``DOTFLOW_GCS_BUCKET`` unset.
        GCSStorageError: the bucket does not exist, access is denied, no credentials, or the
            endpoint cannot be reached.
    """

    scheme = "gs"
    variable_prefix = "DOTFLOW_GCS"
    failures = (GoogleAPICallError, RetryError, GoogleAuthError, OSError)
    error_type = GCSStorageError
    bucket_error_type = BucketNotConfiguredError

    def __init__(
        self,
        bucket: str | None = None,
        prefix: str | None = None,
        project: str | None = None,
        client: storage.Client | None = None,
        *,
        credentials: Any = None,
        retry_deadline: float = 60.0,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        serializer: str = "json",
    ) -> None:
        self.retry_deadline = retry_deadline
        self.timeout = (connect_timeout, read_timeout)
        self._retry = make_retry(retry_deadline)
        if client is not None:
            self.project = client.project
            self._credentials = getattr(client, "_credentials", None)
            self._api_endpoint: str | None = client.api_endpoint
        else:
            self.project = project
            self._credentials = credentials
            self._api_endpoint = None
        super().__init__(bucket, prefix, client, serializer)
        self._attempt("open bucket", None, lambda: list(self._list(self.prefix, limit=1)))

    def _new_client(self) -> storage.Client:
        logger.debug("new Cloud Storage client for %s in process %s", self.bucket, os.getpid())
        try:
            return build_client(self.project, self._credentials, self._api_endpoint)
        except DefaultCredentialsError as error:
            msg = (
                f"cannot open bucket {self.url()}: no Google Cloud credentials found; run "
                "`gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS, or "
                "set STORAGE_EMULATOR_HOST to use an emulator"
            )
            raise GCSStorageError(msg, self.bucket) from error

    def _explain(self, error: BaseException) -> tuple[str, str, str]:
        if isinstance(error, GoogleAPICallError):
            code = str(error.code or "")
            return f"{code} {error.message}".strip(), _HINTS.get(code, ""), code
        if isinstance(error, RetryError):
            cause = f"gave up after {self.retry_deadline:g} s of retries ({error.cause})"
            return cause, "check the endpoint and the network, or raise retry_deadline", ""
        hint = "check STORAGE_EMULATOR_HOST / the endpoint, the credentials and the network"
        return f"{type(error).__name__}: {error}", hint, ""

    # -- the SDK calls -------------------------------------------------------------------------

    def _put(self, name: str, data: bytes) -> None:
        self.client.bucket(self.bucket).blob(name).upload_from_string(
            data, content_type="application/json", retry=self._retry, timeout=self.timeout
        )

    def _read(self, name: str) -> bytes | None:
        blob = self.client.bucket(self.bucket).blob(name)
        try:
            data: bytes = blob.download_as_bytes(retry=self._retry, timeout=self.timeout)
        except NotFound as error:
            # A missing object is "no result yet"; a missing bucket is a real failure.
            if "bucket does not exist" in str(error.message).lower():
                raise
            return None
        return data

    def _list(self, prefix: str, limit: int | None = None) -> Iterator[str]:
        blobs = self.client.list_blobs(
            self.bucket,
            prefix=prefix,
            max_results=limit,
            page_size=None if limit else 1000,
            fields="items(name),nextPageToken",
            retry=self._retry,
            timeout=self.timeout,
        )
        for blob in blobs:
            yield blob.name

    def _delete(self, names: list[str]) -> None:
        for start in range(0, len(names), DELETE_BATCH):
            self._delete_batch(names[start : start + DELETE_BATCH])

    def _delete_batch(self, names: list[str]) -> None:
        client = self.client
        bucket = client.bucket(self.bucket)
        try:
            with client.batch(raise_exception=True):
                for name in names:
                    bucket.blob(name).delete(timeout=self.timeout)
            return
        except self.failures as error:
            # A batch request is not retried by the library and reports only its last failure,
            # so delete these one by one, each with the retry policy (a missing one is fine).
            logger.debug("batch delete in %s failed (%s); deleting one by one", self.url(), error)
        for name in names:
            try:
                bucket.blob(name).delete(retry=self._retry, timeout=self.timeout)
            except NotFound:
                continue
            except self.failures as error:
                raise self._error("delete", error, name) from error
