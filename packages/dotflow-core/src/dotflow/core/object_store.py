"""The base of storages that keep one JSON object per key in a bucket (S3, Cloud Storage, ...).

It holds what does not depend on the SDK: the object layout
(``{prefix}{workflow_id}/{task_id}.json``, see :mod:`dotflow.core.object_layout`), encoding and
checking the documents, one SDK client per process, listing by key, and turning SDK failures into
errors that name the object and the fix.
An adapter implements the five SDK calls (:meth:`ObjectStorage._put` and the rest) and the error
mapping.
"""

from __future__ import annotations

import os
from abc import abstractmethod
from collections.abc import Callable, Iterable
from typing import ClassVar, Generic, TypeVar

from dotflow.abc.storage import Storage
from dotflow.core.codec import decode_context, encode_context
from dotflow.core.context import Context
from dotflow.core.exceptions import DotflowError
from dotflow.core.object_layout import key_of, normalize_prefix, object_name
from dotflow.core.process_local import ProcessLocal
from dotflow.core.serializers import check_serializer

__all__ = ["BucketNotConfiguredError", "ObjectStorage", "ObjectStoreError"]

ClientT = TypeVar("ClientT")
T = TypeVar("T")


class BucketNotConfiguredError(DotflowError, ValueError):
    """An object storage was given no bucket and its environment variable is not set."""

    def __init__(self, storage: str, variable_prefix: str) -> None:
        super().__init__(
            f"{storage} needs a bucket: pass {storage}(bucket='my-bucket') or set the "
            f"environment variable {variable_prefix}_BUCKET (and optionally "
            f"{variable_prefix}_PREFIX)"
        )


class ObjectStoreError(DotflowError, OSError):
    """A request to the object store failed after the SDK's retries.

    Attributes:
        bucket: the bucket.
        key: the object name, or ``None`` for a bucket-level request.
        code: the service's error code when it answered (``"NoSuchBucket"``, ``"403"``...).
    """

    def __init__(self, message: str, bucket: str, key: str | None = None, code: str = "") -> None:
        self.bucket = bucket
        self.key = key
        self.code = code
        super().__init__(message)


class ObjectStorage(Storage, Generic[ClientT]):
    """One JSON object per key under ``prefix`` in ``bucket``; an SDK client per process.

    Args:
        bucket: the bucket; when empty, ``{variable_prefix}_BUCKET`` from the environment.
        prefix: the folder inside the bucket; when ``None``, ``{variable_prefix}_PREFIX`` or
            ``"dotflow/"``. A missing final ``/`` is added.
        client: an SDK client to use in this process; any other process (after a ``fork``)
            builds its own with :meth:`_new_client`.
        serializer: ``"json"`` (plain or tagged JSON, exact round trips) or ``"pickle"`` (any
            picklable object; only for a bucket nobody else can write to), see
            :mod:`dotflow.core.serializers`.

    Raises:
        BucketNotConfiguredError: no bucket given and none in the environment.
    """

    #: URL scheme of the service, for messages (``"s3"``, ``"gs"``).
    scheme: ClassVar[str]
    #: Where the settings come from in the environment (``"DOTFLOW_S3"``).
    variable_prefix: ClassVar[str]
    #: The SDK's exceptions that :meth:`_error` turns into an :class:`ObjectStoreError`.
    failures: ClassVar[tuple[type[BaseException], ...]]
    #: The adapter's error classes.
    error_type: ClassVar[type[ObjectStoreError]]
    bucket_error_type: ClassVar[type[BucketNotConfiguredError]]

    def __init__(
        self,
        bucket: str | None,
        prefix: str | None,
        client: ClientT | None,
        serializer: str = "json",
    ) -> None:
        self.serializer = check_serializer(serializer)
        bucket = bucket or os.environ.get(f"{self.variable_prefix}_BUCKET") or None
        if not bucket:
            raise self.bucket_error_type(type(self).__name__, self.variable_prefix)
        if prefix is None:
            prefix = os.environ.get(f"{self.variable_prefix}_PREFIX", "dotflow/")
        self.bucket = bucket
        self.prefix = normalize_prefix(prefix)
        self._clients: ProcessLocal[ClientT] = ProcessLocal(self._new_client, client)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(bucket={self.bucket!r}, prefix={self.prefix!r})"

    @property
    def client(self) -> ClientT:
        """The SDK client of the current process."""
        return self._clients.get()

    def url(self, name: str | None = None) -> str:
        """``scheme://bucket/name`` (the bucket alone without ``name``), for messages."""
        return f"{self.scheme}://{self.bucket}/{name}" if name else f"{self.scheme}://{self.bucket}"

    def _error(
        self, action: str, error: BaseException, name: str | None = None
    ) -> ObjectStoreError:
        """``error`` (one of :attr:`failures`) as the adapter's error: what failed, why, the fix."""
        cause, hint, code = self._explain(error)
        return self.error_type(
            f"cannot {action} {self.url(name)}: {cause}" + (f"; {hint}" if hint else ""),
            bucket=self.bucket,
            key=name,
            code=code,
        )

    def object_name(self, key: str) -> str:
        """The object name ``key`` is stored under (``{prefix}{key}.json``)."""
        return object_name(self.prefix, key)

    def _attempt(self, action: str, name: str | None, call: Callable[[], T]) -> T:
        """``call()``, with an SDK failure raised as the adapter's error about ``name``.

        An :class:`ObjectStoreError` (raised by an adapter's own code) passes through unwrapped.
        """
        try:
            return call()
        except ObjectStoreError:
            raise
        except self.failures as error:
            raise self._error(action, error, name) from error

    # -- the port ------------------------------------------------------------------------------

    def post(self, key: str, context: Context) -> None:
        name = self.object_name(key)
        data = encode_context(context, where=f"key {key!r}", serializer=self.serializer)
        self._attempt("write", name, lambda: self._put(name, data))

    def get(self, key: str) -> Context | None:
        name = self.object_name(key)
        data = self._attempt("read", name, lambda: self._read(name))
        if data is None:
            return None
        return decode_context(data, self.serializer, where=self.url(name))

    def list_keys(self, prefix: str) -> list[str]:
        return [key for key, _ in self._names(prefix)]

    def delete_prefix(self, prefix: str) -> int:
        names = [name for _, name in self._names(prefix)]
        if names:
            self._attempt("delete objects in", self.prefix + prefix, lambda: self._delete(names))
        return len(names)

    def _names(self, prefix: str) -> list[tuple[str, str]]:
        """``(key, object name)`` of every stored key starting with ``prefix``, sorted by key."""
        where = self.prefix + prefix
        names = self._attempt("list", where, lambda: list(self._list(where)))
        found = []
        for name in names:
            key = key_of(self.prefix, name)
            if key is not None and key.startswith(prefix):
                found.append((key, name))
        return sorted(found)

    # -- what an adapter implements ------------------------------------------------------------

    @abstractmethod
    def _new_client(self) -> ClientT:
        """A new SDK client for the current process."""

    @abstractmethod
    def _explain(self, error: BaseException) -> tuple[str, str, str]:
        """``(cause, hint, code)`` of an SDK failure: what went wrong, how to fix it (or ``""``)
        and the service's error code (or ``""``)."""

    @abstractmethod
    def _put(self, name: str, data: bytes) -> None:
        """Write object ``name`` (replacing it atomically)."""

    @abstractmethod
    def _read(self, name: str) -> bytes | None:
        """The bytes of object ``name``, or ``None`` when there is no such object."""

    @abstractmethod
    def _list(self, prefix: str) -> Iterable[str]:
        """The names of the objects whose name starts with ``prefix`` (every page)."""

    @abstractmethod
    def _delete(self, names: list[str]) -> None:
        """Delete the objects ``names`` (an already missing one is not an error)."""
