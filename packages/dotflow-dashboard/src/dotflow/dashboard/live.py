"""Live changes: the store's commits fanned out to Server-Sent Events subscribers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from dotflow.dashboard.store import Store
from dotflow.dashboard.writes import Change

__all__ = ["Broker"]

logger = logging.getLogger(__name__)

_QUEUE = 256


class Broker:
    """Delivers each commit's changes to every open stream, on the event loop.

    A subscriber that falls ``_QUEUE`` batches behind gets one ``resync`` instead of the backlog
    (the page then reloads its data), so a slow browser never holds memory.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queues: set[asyncio.Queue[list[Change] | None]] = set()
        self._unsubscribe = None

    def start(self) -> None:
        """Start listening to the store (call from the event loop)."""
        self._loop = asyncio.get_running_loop()
        self._unsubscribe = self._store.subscribe(self._from_writer)  # type: ignore[assignment]

    def stop(self) -> None:
        """Stop listening and end every stream."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for q in list(self._queues):
            with contextlib.suppress(asyncio.QueueFull):
                q.put_nowait(None)

    @property
    def subscribers(self) -> int:
        """How many streams are open."""
        return len(self._queues)

    def _from_writer(self, changes: list[Change]) -> None:
        loop = self._loop
        if loop is not None and self._queues and not loop.is_closed():
            loop.call_soon_threadsafe(self._publish, changes)

    def _publish(self, changes: list[Change]) -> None:
        for q in list(self._queues):
            try:
                q.put_nowait(changes)
            except asyncio.QueueFull:
                while not q.empty():
                    q.get_nowait()
                q.put_nowait([("*", None)])

    async def stream(
        self, workflow: str | None, heartbeat: float = 15.0
    ) -> AsyncIterator[tuple[str, dict[str, object]]]:
        """Yield ``(event, data)`` for each change (of ``workflow`` only, when given)."""
        q: asyncio.Queue[list[Change] | None] = asyncio.Queue(_QUEUE)
        self._queues.add(q)
        try:
            yield "hello", {}
            while True:
                try:
                    changes = await asyncio.wait_for(q.get(), heartbeat)
                except TimeoutError:
                    yield "ping", {}
                    continue
                if changes is None:
                    return
                if ("*", None) in changes:
                    yield "resync", {}
                    continue
                seen: dict[str, list[str]] = {}
                for wid, tid in changes:
                    if workflow is not None and wid != workflow:
                        continue
                    tids = seen.setdefault(wid, [])
                    if tid is not None and tid not in tids:
                        tids.append(tid)
                for wid, tids in seen.items():
                    yield "change", {"workflow": wid, "tasks": tids}
        finally:
            self._queues.discard(q)
