"""The contract every Storage adapter honours, as a test class to subclass.

Usage (pytest collects the inherited ``test_*`` methods)::

    from dotflow.testing import StorageContract

    class TestMyStorage(StorageContract):
        def make_storage(self):
            return MyStorage(...)

Set ``shared_across_processes = False`` for a storage that lives in one process (like the
in-memory default), ``json_only = False`` for one that keeps any Python object, and
``keys_are_paths = False`` for one whose keys never become paths or URLs. A storage that takes
``serializer="pickle"`` implements :meth:`StorageContract.make_pickle_storage` too.
"""

from __future__ import annotations

import multiprocessing
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any, ClassVar, NamedTuple

from dotflow.abc.storage import Storage
from dotflow.core.context import Context
from dotflow.core.exceptions import NotJSONSerializableError

__all__ = ["EXACT_VALUES", "JSON_VALUES", "StorageContract"]

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


#: Values JSON has no type for, which every storage must give back exactly too (dotflow 1.0.1
#: completed tasks returning them; the JSON storages keep them as tagged JSON).
EXACT_VALUES: tuple[Any, ...] = (
    (1, "two", (3.0, None)),
    (),
    {"pair": (1, 2), "when": datetime(2024, 5, 1, 12, 30, 15, 250)},
    datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
    datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=-3), "BRT")),
    date(2024, 2, 29),
    time(23, 59, 59, 999999),
    timedelta(days=-1, seconds=5, microseconds=7),
    Decimal("1.10"),
    Decimal("-0E-7"),
    uuid.UUID("0545d4ca-99d1-4e65-a2eb-90f199773faf"),
    {1, 2, 3},
    frozenset({"a", (1, 2)}),
    set(),
    b"\x00\xffbytes",
    bytearray(b"mutable"),
    {1: "int key", (2, 3): "tuple key", None: "none key"},
    {"$tuple": [1, 2]},  # a dict that looks like a tag stays a dict
    [{"$set": []}, ({"k": b"v"},)],
    float("inf"),
    2**20000,  # longer than JSON text allows in Python by default
)


class Opaque(NamedTuple):
    """A value only pickle keeps (a tuple subclass): for ``serializer="pickle"`` storages."""

    name: str
    when: datetime


#: Values a storage made with ``serializer="pickle"`` gives back exactly.
PICKLE_VALUES: tuple[Any, ...] = (
    Opaque("a", datetime(2024, 5, 1)),
    OrderedDict(b=1, a=2),
    {"fraction": Fraction(1, 3), "nested": [Opaque("b", datetime(2020, 1, 1))]},
    {"plain": [1, "json", None]},
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

    def make_pickle_storage(self) -> Storage | None:
        """The same storage made with ``serializer="pickle"`` (``None``: it has no such option)."""
        return None

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

    def test_round_trip_of_values_json_has_no_type_for(self) -> None:
        storage = self.make_storage()
        prefix = self.new_prefix()
        for i, value in enumerate(EXACT_VALUES, start=1):
            storage.post(f"{prefix}/{i}", Context(value, task_id=i, workflow_id=prefix))
        for i, value in enumerate(EXACT_VALUES, start=1):
            got = storage.get(f"{prefix}/{i}")
            assert got is not None, f"value {i} was lost"
            assert _exact(got.storage, value), f"{value!r} came back as {got.storage!r}"

    def test_pickle_serializer_keeps_any_picklable_value(self) -> None:
        storage = self.make_pickle_storage()
        if storage is None:
            return
        prefix = self.new_prefix()
        for i, value in enumerate(PICKLE_VALUES, start=1):
            storage.post(f"{prefix}/{i}", Context(value, task_id=i, workflow_id=prefix))
        for i, value in enumerate(PICKLE_VALUES, start=1):
            got = storage.get(f"{prefix}/{i}")
            assert got is not None and _exact(got.storage, value), f"{value!r} changed"
            assert got.task_id == i and got.workflow_id == prefix
        try:
            storage.post(f"{prefix}/lock", Context(threading.Lock()))
        except TypeError as error:  # NotPicklableError
            assert "pickle" in str(error)
        else:
            raise AssertionError("a lock was stored although pickle cannot serialize it")

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
        refused = (object(), Opaque("a", datetime(2024, 1, 1)), OrderedDict(a=1), [range(2)])
        for i, bad in enumerate(refused, start=1):
            try:
                storage.post(f"{prefix}/{i}", Context(bad))
            except NotJSONSerializableError as error:
                assert "serializer='pickle'" in str(error)
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


def _exact(got: Any, want: Any) -> bool:
    """``got == want`` with the same types all the way down (and the same time zones)."""
    if type(got) is not type(want):
        return False
    if isinstance(want, list | tuple):
        return len(got) == len(want) and all(map(_exact, got, want))
    if isinstance(want, dict):
        return list(got) == list(want) and all(_exact(got[k], want[k]) for k in want)
    if isinstance(want, datetime | time):
        same = got == want and repr(got.tzinfo) == repr(want.tzinfo) and got.fold == want.fold
        return bool(same)
    if isinstance(want, Decimal):
        return bool(got.as_tuple() == want.as_tuple())
    return bool(got == want)
