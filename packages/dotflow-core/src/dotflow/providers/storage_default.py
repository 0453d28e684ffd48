"""In-memory storage: the default, thread-safe, lost when the process ends."""

from __future__ import annotations

import threading

from dotflow.abc.storage import Storage
from dotflow.core.context import Context

__all__ = ["StorageDefault"]


class StorageDefault(Storage):
    """Keeps contexts in a dict in this process. Values are kept as they are (no JSON)."""

    def __init__(self) -> None:
        self._data: dict[str, Context] = {}
        self._lock = threading.Lock()

    def post(self, key: str, context: Context) -> None:
        with self._lock:
            self._data[key] = context

    def get(self, key: str) -> Context | None:
        return self._data.get(key)

    def list_keys(self, prefix: str) -> list[str]:
        with self._lock:
            return sorted(k for k in self._data if k.startswith(prefix))

    def delete_prefix(self, prefix: str) -> int:
        with self._lock:
            keys = [k for k in self._data if k.startswith(prefix)]
            for k in keys:
                del self._data[k]
        return len(keys)
