"""The contract of storages built on :class:`dotflow.core.object_store.ObjectStorage`.

Everything :class:`~dotflow.testing.StorageContract` checks, plus what an SDK client brings: it
cannot cross a ``fork``, so each process builds its own, and the storage pickles (for ``spawn``
workers) without its client.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle

from dotflow.core.context import Context
from dotflow.core.object_store import ObjectStorage
from dotflow.testing.storage import StorageContract, _write_many

__all__ = ["ObjectStorageContract"]


class ObjectStorageContract(StorageContract):
    """Subclass and implement :meth:`make_storage` (returning an ``ObjectStorage``)."""

    def make_storage(self) -> ObjectStorage:  # type: ignore[type-arg]
        raise NotImplementedError

    def test_a_forked_child_builds_its_own_client(self) -> None:
        storage = self.make_storage()
        key = f"{self.new_prefix()}/1"
        parent_client = storage.client
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)

        def child() -> None:
            client = storage.client
            storage.post(key, Context(os.getpid()))
            writer.send((client is parent_client, client is storage.client))

        process = context.Process(target=child)
        process.start()
        same_as_parent, stable = reader.recv()
        process.join(30)
        assert process.exitcode == 0
        assert not same_as_parent and stable
        assert storage.client is parent_client
        if self.shared_across_processes:
            stored = storage.get(key)
            assert stored is not None and stored.storage == process.pid

    def test_pickles_and_works_in_a_spawned_process(self) -> None:
        storage = self.make_storage()
        copy = pickle.loads(pickle.dumps(storage))
        assert (copy.bucket, copy.prefix) == (storage.bucket, storage.prefix)
        if not self.shared_across_processes:
            return
        prefix = self.new_prefix()
        context = multiprocessing.get_context("spawn")
        process = context.Process(target=_write_many, args=(storage, prefix, 7, 3))
        process.start()
        process.join(60)
        assert process.exitcode == 0
        assert storage.list_keys(f"{prefix}/") == [
            f"{prefix}/7-0",
            f"{prefix}/7-1",
            f"{prefix}/7-2",
        ]
