"""The contract every Storage adapter honours, as a test class to subclass.

Usage (pytest collects the inherited ``test_*`` methods)::

    from dotflow.testing import StorageContract

    class TestMyStorage(StorageContract):
        def make_storage(self):
            return MyStorage(...)

Set ``shared_across_processes = False`` for a storage that lives in one process (like the
in-memory default), ``json_only = False`` for one that keeps any Python object, and
``keys_are_paths = False`` for one whose keys never become paths or URLs.
"""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, ClassVar

from dotflow.abc.storage import Storage
from dotflow.core.context import Context
from dotflow.core.exceptions import NotJSONSerializableError

__all__ = ["JSON_VALUES", "StorageContract"]

#: Values every storage must give back exactly.
JSON_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -7,
    2**63 + 1,
    3.5,
    -0.25,
    "",
    "plain",
    'unicode: ação, 日本語, emoji 🚀, quote " and backslash \\',
    [],
    {},
    [1, "two", 3.0, None, True, [4], {"five": 5}],
    {"nested": {"deeper": {"list": [1, {"k": "v"}], "empty": {}}}, "none": None},
)


def _write_many(storage: Storage, prefix: str, worker: int, count: int) -> None:
    for i in range(count):
        storage.post(f"{prefix}/{worker}-{i}", Context({"worker": worker, "i": i}))


def _post_many(storage: Storage, key: str, value: Any, count: int) -> None:
    for _ in range(count):
        storage.post(key, Context(value))


def _in_threads(calls: list[Callable[[], object]]) -> None:
    """Run ``calls`` at once, one thread each; an exception in any of them fails the test."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        for future in [pool.submit(call) for call in calls]:
            future.result()


class StorageContract:
    """Tests every Storage adapter must pass. Subclass and implement :meth:`make_storage`."""

    shared_across_processes: ClassVar[bool] = True
    json_only: ClassVar[bool] = True
    keys_are_paths: ClassVar[bool] = True
    large_value_bytes: ClassVar[int] = 10 * 1024 * 1024

    def make_storage(self) -> Storage:
        """A storage for one test; each test uses its own workflow ids."""
        raise NotImplementedError

    @staticmethod
    def new_prefix() -> str:
        return f"wf-{uuid.uuid4().hex[:12]}"

    def test_is_a_storage(self) -> None:
        assert isinstance(self.make_storage(), Storage)

    def test_round_trip_of_every_json_type(self) -> None:
        storage = self.make_storage()
        prefix = self.new_prefix()
        for i, value in enumerate(JSON_VALUES, start=1):
            storage.post(f"{prefix}/{i}", Context(value, task_id=i, workflow_id=prefix))
        for i, value in enumerate(JSON_VALUES, start=1):
            got = storage.get(f"{prefix}/{i}")
            assert got is not None, f"value {i} was lost"
            assert got.storage == value and type(got.storage) is type(value)
            assert got.task_id == i and got.workflow_id == prefix

    def test_time_survives(self) -> None:
        storage = self.make_storage()
        key = f"{self.new_prefix()}/1"
        context = Context("x")
        storage.post(key, context)
        got = storage.get(key)
        assert got is not None and got.time == context.time

    def test_overwrite_replaces(self) -> None:
        storage = self.make_storage()
        key = f"{self.new_prefix()}/1"
        storage.post(key, Context({"v": 1}))
        storage.post(key, Context({"v": 2}))
        got = storage.get(key)
        assert got is not None and got.storage == {"v": 2}

    def test_missing_key_is_none(self) -> None:
        assert self.make_storage().get(f"{self.new_prefix()}/404") is None

    def test_stored_none_is_not_missing(self) -> None:
        storage = self.make_storage()
        key = f"{self.new_prefix()}/1"
        storage.post(key, Context(None))
        got = storage.get(key)
        assert got is not None and got.storage is None

    def test_key_of_a_task(self) -> None:
        from dotflow.core.task import Task

        task = Task(3, "my-flow", step=None)
        assert self.make_storage().key(task) == "my-flow/3"

    def test_list_and_delete_prefix(self) -> None:
        storage = self.make_storage()
        a, b = self.new_prefix(), self.new_prefix()
        for i in (1, 2, 10):
            storage.post(f"{a}/{i}", Context(i))
        storage.post(f"{b}/1", Context("other"))
        assert storage.list_keys(f"{a}/") == sorted([f"{a}/1", f"{a}/2", f"{a}/10"])
        assert storage.delete_prefix(f"{a}/") == 3
        assert storage.list_keys(f"{a}/") == []
        assert storage.get(f"{a}/1") is None
        got = storage.get(f"{b}/1")
        assert got is not None and got.storage == "other"

    def test_delete_of_nothing(self) -> None:
        assert self.make_storage().delete_prefix(f"{self.new_prefix()}/") == 0

    def test_refuses_values_that_would_change(self) -> None:
        if not self.json_only:
            return
        storage = self.make_storage()
        prefix = self.new_prefix()
        for i, bad in enumerate(({1: "int key"}, (1, 2), {1, 2}, object(), b"bytes"), start=1):
            try:
                storage.post(f"{prefix}/{i}", Context(bad))
            except NotJSONSerializableError as error:
                assert type(bad).__name__ in str(error) or "key" in str(error)
            else:
                raise AssertionError(f"{bad!r} was stored although it cannot round-trip")
            assert storage.get(f"{prefix}/{i}") is None

    def test_refuses_unsafe_keys(self) -> None:
        if not self.keys_are_paths:
            return
        storage = self.make_storage()
        for key in ("../escape", "/absolute", "a/../../b", "", "a//b", "new\nline", ".hidden"):
            try:
                storage.post(key, Context(1))
            except ValueError:
                continue
            raise AssertionError(f"unsafe key {key!r} was accepted")

    def test_large_value(self) -> None:
        storage = self.make_storage()
        key = f"{self.new_prefix()}/1"
        value = {"blob": "x" * self.large_value_bytes, "list": list(range(1000))}
        storage.post(key, Context(value))
        got = storage.get(key)
        assert got is not None and got.storage == value

    def test_concurrent_writers_from_threads(self) -> None:
        storage = self.make_storage()
        prefix = self.new_prefix()
        _in_threads([partial(_write_many, storage, prefix, w, 20) for w in range(4)])
        keys = storage.list_keys(f"{prefix}/")
        assert len(keys) == 80
        for w in range(4):
            got = storage.get(f"{prefix}/{w}-19")
            assert got is not None and got.storage == {"worker": w, "i": 19}

    def test_concurrent_writers_from_processes(self) -> None:
        if not self.shared_across_processes:
            return
        storage = self.make_storage()
        prefix = self.new_prefix()
        context = multiprocessing.get_context("fork")
        processes = [
            context.Process(target=_write_many, args=(storage, prefix, w, 10)) for w in range(3)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(60)
            assert process.exitcode == 0
        assert len(storage.list_keys(f"{prefix}/")) == 30
        got = storage.get(f"{prefix}/2-9")
        assert got is not None and got.storage == {"worker": 2, "i": 9}

    def test_same_key_from_threads_never_corrupts(self) -> None:
        storage = self.make_storage()
        key = f"{self.new_prefix()}/1"
        values = [{"writer": w, "pad": "y" * 50_000} for w in range(4)]
        _in_threads([partial(_post_many, storage, key, value, 5) for value in values])
        got = storage.get(key)
        assert got is not None and got.storage in values
