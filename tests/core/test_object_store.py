"""ObjectStorage, the base of the S3 and Cloud Storage adapters, over an in-memory "bucket".

The real adapters run the same base against moto and the GCS emulator (tests/aws, tests/gcp);
here an in-memory SDK stand-in makes every failure path reachable on demand.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from dotflow import Context
from dotflow.core import object_store
from dotflow.core.object_store import ObjectStorage, ObjectStoreError
from dotflow.testing import ObjectStorageContract


class SDKError(Exception):
    """What the stand-in SDK raises."""


class Bucket:
    """A thread-safe dict of objects that fails the next calls of a kind when told to."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.lock = threading.Lock()
        self.fail: dict[str, int] = {}

    def call(self, kind: str) -> None:
        with self.lock:
            if self.fail.get(kind, 0) > 0:
                self.fail[kind] -= 1
                raise SDKError(f"{kind} refused")


class StoreError(ObjectStoreError):
    pass


class MissingBucket(object_store.BucketNotConfiguredError):
    pass


class StorageMemory(ObjectStorage[Bucket]):
    scheme = "mem"
    variable_prefix = "DOTFLOW_MEM"
    failures = (SDKError,)
    error_type = StoreError
    bucket_error_type = MissingBucket

    def __init__(
        self,
        bucket: str | None = None,
        prefix: str | None = None,
        client: Bucket | None = None,
        serializer: str = "json",
    ) -> None:
        super().__init__(bucket, prefix, client or Bucket(), serializer)

    def _new_client(self) -> Bucket:
        return Bucket()

    def _explain(self, error: BaseException) -> tuple[str, str, str]:
        return str(error), "", "E1"

    def _put(self, name: str, data: bytes) -> None:
        self.client.call("put")
        with self.client.lock:
            self.client.objects[name] = data

    def _read(self, name: str) -> bytes | None:
        self.client.call("read")
        with self.client.lock:
            return self.client.objects.get(name)

    def _list(self, prefix: str) -> Iterator[str]:
        self.client.call("list")
        with self.client.lock:
            names = sorted(self.client.objects)
        yield from (name for name in names if name.startswith(prefix))

    def _delete(self, names: list[str]) -> None:
        self.client.call("delete")
        if "dotflow/locked/1.json" in names:
            raise StoreError("cannot delete a locked object", self.bucket, names[0])
        with self.client.lock:
            for name in names:
                self.client.objects.pop(name, None)


class TestObjectStorageContract(ObjectStorageContract):
    shared_across_processes = False  # the stand-in bucket lives in one process

    def make_storage(self) -> StorageMemory:
        return StorageMemory(bucket="b")

    def make_pickle_storage(self) -> StorageMemory:
        return StorageMemory(bucket="b", serializer="pickle")


def test_layout_repr_and_url() -> None:
    storage = StorageMemory(bucket="b", prefix="team/runs")
    storage.post("wf/1", Context(storage={"n": 1}))
    assert list(storage.client.objects) == ["team/runs/wf/1.json"]
    assert repr(storage) == "StorageMemory(bucket='b', prefix='team/runs/')"
    assert storage.url() == "mem://b" and storage.url("x.json") == "mem://b/x.json"


def test_bucket_and_prefix_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOTFLOW_MEM_BUCKET", raising=False)
    with pytest.raises(MissingBucket, match=r"StorageMemory needs a bucket: .*DOTFLOW_MEM_BUCKET"):
        StorageMemory()
    monkeypatch.setenv("DOTFLOW_MEM_BUCKET", "from-env")
    monkeypatch.setenv("DOTFLOW_MEM_PREFIX", "p")
    storage = StorageMemory()
    assert (storage.bucket, storage.prefix) == ("from-env", "p/")


def test_objects_it_did_not_write_are_not_keys() -> None:
    storage = StorageMemory(bucket="b")
    storage.post("wf/1", Context(storage=1))
    storage.client.objects.update(
        {"dotflow/wf/notes.txt": b"", "dotflow/wf/.x.json": b"", "other/wf/2.json": b"{}"}
    )
    assert storage.list_keys("wf/") == ["wf/1"]


@pytest.mark.parametrize(
    ("kind", "call", "action", "where"),
    [
        ("put", lambda s: s.post("wf/1", Context(storage=1)), "write", "mem://b/dotflow/wf/1.json"),
        ("read", lambda s: s.get("wf/1"), "read", "mem://b/dotflow/wf/1.json"),
        ("list", lambda s: s.list_keys("wf/"), "list", "mem://b/dotflow/wf/"),
        ("delete", lambda s: s.delete_prefix("wf/"), "delete objects in", "mem://b/dotflow/wf/"),
    ],
)
def test_sdk_failures_become_the_adapters_error(kind, call, action, where) -> None:
    storage = StorageMemory(bucket="b")
    storage.post("wf/1", Context(storage=1))
    storage.client.fail[kind] = 1
    with pytest.raises(StoreError, match=f"cannot {action} {where}: {kind} refused") as caught:
        call(storage)
    assert isinstance(caught.value.__cause__, SDKError)
    assert (caught.value.bucket, caught.value.code) == ("b", "E1")
    assert isinstance(caught.value, OSError)


def test_an_adapters_own_error_passes_through_unwrapped() -> None:
    storage = StorageMemory(bucket="b")
    storage.post("locked/1", Context(storage=1))
    with pytest.raises(StoreError, match="cannot delete a locked object") as caught:
        storage.delete_prefix("locked/")
    assert caught.value.__cause__ is None
    assert storage.list_keys("locked/") == ["locked/1"]


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("team\x7fruns/", "control characters"),
        ("team/\x00/", "control characters"),
        ("a" * 769, r"prefix too long \(770 bytes"),
        ("é" * 400, r"prefix too long \(801 bytes"),
        ("caf\udce9/", "lone surrogate"),
    ],
)
def test_prefixes_the_object_stores_would_refuse_are_refused_first(
    prefix: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        StorageMemory(bucket="b", prefix=prefix)


def test_a_prefix_that_leaves_room_for_keys_is_accepted() -> None:
    prefix = "p" * 767 + "/"
    storage = StorageMemory(bucket="b", prefix=prefix)
    assert len(storage.object_name("w" * 200 + "/fingerprint").encode()) <= 1024
