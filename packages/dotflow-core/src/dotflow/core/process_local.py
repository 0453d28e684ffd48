"""A value (an SDK client) built once per process.

SDK clients hold pooled connections that must not be shared across ``fork``: a child would talk
over its parent's sockets. The holder remembers which process built its value and builds a new one
in any other process; it pickles without the value, so a storage can cross a ``spawn`` as well.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

__all__ = ["ProcessLocal"]

T = TypeVar("T")


class ProcessLocal(Generic[T]):
    """Holds one value per process, made by ``factory`` on first use in that process.

    Args:
        factory: builds the value (called without arguments, once per process).
        value: a value already built in this process (used here, never in another process).
    """

    def __init__(self, factory: Callable[[], T], value: T | None = None) -> None:
        self._factory = factory
        self._value = value
        self._pid = os.getpid() if value is not None else None
        self._lock = threading.Lock()
        self._lock_pid = os.getpid()

    def get(self) -> T:
        """The value of the current process."""
        pid = os.getpid()
        if self._pid == pid:
            return self._value  # type: ignore[return-value]
        if self._lock_pid != pid:
            # A lock copied by fork may be held by a thread that does not exist in this process.
            self._lock = threading.Lock()
            self._lock_pid = pid
        with self._lock:
            if self._pid != pid:
                self._value = self._factory()
                self._pid = pid
        return self._value  # type: ignore[return-value]

    def __getstate__(self) -> dict[str, Any]:
        return {"_factory": self._factory}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["_factory"])  # type: ignore[misc]
