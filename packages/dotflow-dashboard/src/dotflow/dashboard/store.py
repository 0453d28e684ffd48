"""Store: the dashboard's database, written by one thread in batches, read from any thread."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

import sqlalchemy as sa

from dotflow.dashboard import reads
from dotflow.dashboard.database import create_engine, is_memory, normalize_url
from dotflow.dashboard.schema import events, history, migrate, replies, tasks, workflows
from dotflow.dashboard.writes import Batch, Change, Reply, Write

__all__ = ["Store"]

logger = logging.getLogger(__name__)

_BATCH = 256
_PRUNE_EVERY = 60.0
Listener = Callable[[list[Change]], None]


class _Pending:
    """Where a write's reply goes: a thread's future, or an asyncio future on its loop."""

    __slots__ = ("future", "loop")

    def __init__(
        self,
        future: Future[Reply] | asyncio.Future[Reply],
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self.future = future
        self.loop = loop

    @staticmethod
    def settle(done: list[tuple[_Pending, Reply | BaseException]]) -> None:
        """Set each future (in the loop's thread for asyncio futures)."""
        for pending, outcome in done:
            if pending.future.done():  # an asyncio future whose request went away
                continue
            if isinstance(outcome, BaseException):
                pending.future.set_exception(outcome)
            else:
                pending.future.set_result(outcome)

    @staticmethod
    def deliver(done: list[tuple[_Pending, Reply | BaseException]]) -> None:
        """Settle thread futures now, and each loop's futures in one call on that loop."""
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Pending, Reply | BaseException]]]
        by_loop = {}
        direct = []
        for item in done:
            loop = item[0].loop
            if loop is None:
                direct.append(item)
            else:
                by_loop.setdefault(loop, []).append(item)
        _Pending.settle(direct)
        for loop, items in by_loop.items():
            if not loop.is_closed():
                loop.call_soon_threadsafe(_Pending.settle, items)


class Store:
    """Workflows, tasks and their status histories in a SQL database.

    Writes go through one thread that applies whatever arrived meanwhile in one transaction
    (group commit: SQLite has one writer anyway, and a commit per event would cap throughput).

    Args:
        url: ``memory`` (the default), ``sqlite:///path.db`` or ``postgresql://...``.
        strict: answer 404 for updates of workflows or tasks nobody created (by default they are
            created on first sight: a managed runner's workflow may exist only elsewhere).
        record_events: keep every accepted write (``GET /events``, :meth:`events`).
        keep_days: forget workflows not updated for this many days (and older events and
            idempotency keys); ``None`` keeps everything.
        max_events: keep at most this many recorded events (the newest).
        clock: the time source (seconds since the epoch).
    """

    def __init__(
        self,
        url: str = "memory",
        *,
        strict: bool = False,
        record_events: bool = False,
        keep_days: float | None = None,
        max_events: int | None = 100_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url = normalize_url(url)
        self.strict = strict
        self.record_events = record_events
        self.keep_days = keep_days
        self.max_events = max_events
        self._clock = clock
        self._engine = create_engine(self.url)
        migrate(self._engine)
        self._memory = is_memory(self.url)
        # The in-memory database is one shared connection: reads and writes take turns.
        self._lock = threading.RLock()
        self._queue: queue.SimpleQueue[tuple[Write, _Pending] | None] = queue.SimpleQueue()
        self._listeners: list[Listener] = []
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()
        self._closed = False
        self._last_prune = 0.0
        # Workflow ids known to exist (committed), so task events skip a lookup.
        self._known: set[str] = set()

    def __repr__(self) -> str:
        return f"<Store {sa.make_url(self.url).render_as_string(hide_password=True)}>"

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    # -- writes --------------------------------------------------------------------------------

    def submit(self, write: Write) -> Future[Reply]:
        """Queue ``write`` for the writer thread; the future holds the reply."""
        future: Future[Reply] = Future()
        self._put(write, _Pending(future))
        return future

    def submit_async(self, write: Write) -> asyncio.Future[Reply]:
        """Like :meth:`submit`, for a coroutine: the replies of one batch reach the event loop
        in one wake-up, not one per write."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Reply] = loop.create_future()
        self._put(write, _Pending(future, loop))
        return future

    def _put(self, write: Write, pending: _Pending) -> None:
        if self._closed:
            pending.settle([(pending, RuntimeError("the store is closed"))])
            return
        self._start_writer()
        self._queue.put((write, pending))

    def apply(self, write: Write, timeout: float | None = 30.0) -> Reply:
        """Apply ``write`` and wait for its reply."""
        return self.submit(write).result(timeout)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(changes)`` after every commit (from the writer thread).

        Returns:
            A function that unsubscribes.
        """
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _start_writer(self) -> None:
        if self._writer is not None:
            return
        with self._writer_lock:
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_loop, name="dotflow-dashboard-writer", daemon=True
                )
                self._writer.start()

    def _write_loop(self) -> None:
        stop = False
        while not stop:
            item = self._queue.get()
            if item is None:
                break
            batch = [item]
            while len(batch) < _BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            self._write_batch(batch)

    def _write_batch(self, batch: list[tuple[Write, _Pending]]) -> None:
        now = self._clock()
        changes: list[Change] = []
        done: list[tuple[_Pending, Reply | BaseException]] = []
        try:
            with self._guard(), self._engine.begin() as conn:
                work = Batch(conn, now, self.strict, self._known, self.record_events)
                work.prepare([write for write, _ in batch])
                replies_ = [work.apply(write) for write, _ in batch]
                work.finish()
        except Exception:
            # One bad write must not fail the others: apply them one transaction each.
            logger.debug("batch of %s writes failed; applying them one by one", len(batch))
            for write, pending in batch:
                try:
                    with self._guard(), self._engine.begin() as conn:
                        one = Batch(conn, now, self.strict, self._known, self.record_events)
                        reply = one.apply(write)
                        one.finish()
                except Exception as error:
                    logger.exception("cannot apply %s /%s", write.method, "/".join(write.parts))
                    done.append((pending, error))
                else:
                    self._known.update(one.created)
                    changes.extend(one.changes)
                    done.append((pending, reply))
        else:
            # Only committed workflows count as known: a rolled-back batch's do not.
            self._known.update(work.created)
            changes = work.changes
            done = [(pending, reply) for (_, pending), reply in zip(batch, replies_, strict=True)]
        _Pending.deliver(done)
        if changes:
            for listener in list(self._listeners):
                try:
                    listener(changes)
                except Exception:
                    logger.exception("a change listener failed")
        if now - self._last_prune >= _PRUNE_EVERY:
            self.prune(now)

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        if self._memory:
            with self._lock:
                yield
        else:
            yield

    # -- retention -----------------------------------------------------------------------------

    def prune(self, now: float | None = None) -> int:
        """Apply the retention settings now; returns how many workflows were forgotten."""
        now = self._clock() if now is None else now
        self._last_prune = now
        forgotten = 0
        with self._guard(), self._engine.begin() as conn:
            if self.keep_days is not None:
                cutoff = now - self.keep_days * 86400
                old = sa.select(workflows.c.id).where(workflows.c.updated_at < cutoff)
                conn.execute(history.delete().where(history.c.workflow_id.in_(old)))
                conn.execute(tasks.delete().where(tasks.c.workflow_id.in_(old)))
                forgotten = conn.execute(
                    workflows.delete().where(workflows.c.updated_at < cutoff)
                ).rowcount
                conn.execute(events.delete().where(events.c.received_at < cutoff))
                conn.execute(replies.delete().where(replies.c.created_at < cutoff))
            if self.max_events is not None:
                for table, column in ((events, events.c.id), (replies, replies.c.created_at)):
                    edge = conn.execute(
                        sa.select(column).order_by(column.desc()).offset(self.max_events).limit(1)
                    ).scalar()
                    if edge is not None:
                        conn.execute(table.delete().where(column <= edge))
        if forgotten:
            self._known.clear()
            logger.info(
                "retention: forgot %s workflows older than %s days", forgotten, self.keep_days
            )
        return forgotten

    # -- reads ---------------------------------------------------------------------------------

    def workflow(self, wid: str) -> dict[str, Any] | None:
        """The workflow with its status history and its tasks with theirs (``None``: unknown)."""
        with self._guard(), self._engine.connect() as conn:
            return reads.read_workflow(conn, wid)

    def workflows(self, **filters: Any) -> dict[str, Any]:
        """A page of workflow summaries; see :func:`dotflow.dashboard.reads.list_workflows`."""
        with self._guard(), self._engine.connect() as conn:
            return reads.list_workflows(conn, **filters)

    def workflow_ids(self) -> list[str]:
        """Every workflow id, oldest first."""
        with self._guard(), self._engine.connect() as conn:
            query = sa.select(workflows.c.id).order_by(workflows.c.created_at, workflows.c.id)
            return list(conn.execute(query).scalars())

    def events(self) -> list[dict[str, Any]]:
        """The recorded writes (when ``record_events``), oldest first."""
        with self._guard(), self._engine.connect() as conn:
            rows = conn.execute(sa.select(events).order_by(events.c.id))
            return [
                {
                    "seq": row.id,
                    "method": row.method,
                    "path": row.path,
                    "body": json.loads(row.body),
                    "received_at": row.received_at,
                }
                for row in rows
            ]

    def count_history(self) -> int:
        """How many status changes are stored (benchmarks count every event back with it)."""
        with self._guard(), self._engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(history)).scalar_one())

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self._guard(), self._engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    def clear(self) -> None:
        """Forget everything (tests)."""
        self.flush()
        with self._guard(), self._engine.begin() as conn:
            for table in (history, tasks, workflows, events, replies):
                conn.execute(table.delete())
        self._known.clear()

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until every write queued so far is applied."""
        marker: Future[Reply] = self.submit(Write("GET", (), None))
        marker.result(timeout)

    def close(self) -> None:
        """Finish the queued writes, stop the writer and close the connections."""
        if self._closed:
            return
        self._closed = True
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join(30)
            self._writer = None
        self._engine.dispose()
