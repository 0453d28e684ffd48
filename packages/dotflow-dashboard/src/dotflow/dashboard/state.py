"""State: what every request handler of one dashboard shares."""

from __future__ import annotations

import threading
from typing import Any

from dotflow.dashboard.auth import Auth
from dotflow.dashboard.faults import Faults
from dotflow.dashboard.live import Broker
from dotflow.dashboard.settings import Settings
from dotflow.dashboard.store import Store

__all__ = ["State"]


class State:
    """The settings, store, token checks, live broker and (tests only) faults of a dashboard."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        faults: Faults | None = None,
        heartbeat: float = 15.0,
    ) -> None:
        self.settings = settings
        self.store = store
        self.auth = Auth(settings)
        self.broker = Broker(store)
        self.faults = faults
        self.heartbeat = heartbeat
        self._requests_lock = threading.Lock()
        self._requests: list[dict[str, Any]] = []

    def record(self, method: str, path: str, authorized: bool) -> None:
        """Remember a write request that arrived (kept only when faults are injected: tests)."""
        with self._requests_lock:
            self._requests.append({"method": method, "path": path, "authorized": authorized})

    def requests(self) -> list[dict[str, Any]]:
        """The write requests recorded so far."""
        with self._requests_lock:
            return list(self._requests)
