"""One delivery queue for every reporter: ordered, bounded, retried, drained by one daemon thread.

A reporter (a notifier, a server adapter) must never slow or fail the workflow, yet must not lose
what it reports. :class:`DeliveryQueue` holds the machinery they share: a bounded queue drained in
order by one daemon thread started on the first item, ``flush``/``close``, a flush at interpreter
exit, a fresh empty state in a forked child, and capped exponential backoff with jitter that
honours a ``Retry-After``. The adapter supplies what differs: :meth:`DeliveryQueue.try_once` (one
attempt, reporting an :class:`Attempt`), the :class:`RetryPolicy`, and optionally the hooks that
log what happened in its own words.
"""

from __future__ import annotations

import atexit
import logging
import os
import random
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["Attempt", "AttemptResult", "DeliveryQueue", "DeliveryStats", "RetryPolicy"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: The cause counted for items dropped because the queue was full.
QUEUE_FULL = "queue full"
_queues: weakref.WeakSet[DeliveryQueue[Any]] = weakref.WeakSet()


class AttemptResult(Protocol):
    """What one attempt reports (:class:`Attempt`, or an adapter's own class of that shape)."""

    @property
    def delivered(self) -> bool:
        """The counterpart accepted the item."""
        ...

    @property
    def retryable(self) -> bool:
        """A transient failure (network, timeout, 429, 5xx) worth another attempt."""
        ...

    @property
    def detail(self) -> str:
        """A log-safe description (never a secret)."""
        ...

    @property
    def retry_after(self) -> float | None:
        """Seconds the counterpart asked to wait before the next attempt, if it did."""
        ...


@dataclass(frozen=True, slots=True)
class Attempt:
    """What became of one attempt (see :class:`AttemptResult`)."""

    delivered: bool
    retryable: bool = False
    detail: str = ""
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Capped exponential backoff, with jitter, honouring ``Retry-After``.

    Args:
        max_attempts: attempts per item (the first one included).
        backoff_base: the wait after the first failed attempt, doubled after each further one.
        backoff_max: the cap of one backoff wait.
        retry_after_max: the cap of a counterpart's ``Retry-After`` (``None``: ``backoff_max``).
        jitter: wait between half and all of each backoff step ("equal jitter"), so that
            reporters retrying at once do not bunch up; ``False`` waits the full step.
        probe_when_down: once an item exhausted its attempts the counterpart is taken as down,
            and later items get one attempt each until one gets through, so a dead counterpart
            cannot hold the queue.
    """

    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float | None = None
    jitter: bool = True
    probe_when_down: bool = True

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if retry_after is not None:
            cap = self.backoff_max if self.retry_after_max is None else self.retry_after_max
            return min(max(retry_after, 0.0), cap)
        step = min(self.backoff_max, self.backoff_base * 2.0 ** (attempt - 1))
        return step / 2 + random.uniform(0, step / 2) if self.jitter else step


@dataclass(frozen=True, slots=True)
class DeliveryStats:
    """Counters of a queue (since it was made, or since the process forked).

    Attributes:
        enqueued: items accepted by :meth:`DeliveryQueue.put`.
        sent: items delivered.
        failed: items given up on (rejected, or still failing after every attempt).
        dropped: items discarded: the queue was full or closed.
        pending: items queued or being delivered right now.
        causes: why items were not delivered, as ``(cause, count)`` pairs in order of first
            occurrence (``("HTTP 401", 8)``, ``("queue full", 1)``).
    """

    enqueued: int
    sent: int
    failed: int
    dropped: int
    pending: int
    causes: tuple[tuple[str, int], ...] = ()


class DeliveryQueue(Generic[T]):
    """Delivers items in order from one daemon thread, started on the first item.

    Subclass it and implement :meth:`try_once`; override the ``on_*`` hooks to log in the
    adapter's words, :meth:`is_evictable` to let a full queue drop less important items first,
    and :meth:`cause` to group failures for :attr:`DeliveryStats.causes`.

    Args:
        policy: how often and how long to retry transient failures.
        max_queue: how many items may wait; see :meth:`put` for what happens beyond.
        put_timeout: how long :meth:`put` may wait for room when nothing can be evicted.
        name: the thread's name, also the subject of the default log messages.
        exit_flush_timeout: at interpreter exit, wait at most this long for pending items
            (daemon threads stop at exit); ``0`` does not wait.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        max_queue: int = 1000,
        put_timeout: float = 0.0,
        name: str = "dotflow-delivery",
        exit_flush_timeout: float = 5.0,
    ) -> None:
        self.policy = policy
        self.max_queue = max_queue
        self.put_timeout = put_timeout
        self.name = name
        self.exit_flush_timeout = exit_flush_timeout
        self._reset_state()
        _queues.add(self)

    def _reset_state(self) -> None:
        self._cond = threading.Condition()
        self._queue: deque[T] = deque()
        self._inflight: list[T] = []  # the item being delivered, if any
        self._thread: threading.Thread | None = None
        self._closed = False
        self._wakeup = threading.Event()
        self._down = False
        self._enqueued = self._sent = self._failed = self._dropped = 0
        self._causes: dict[str, int] = {}
        self._abandoned_at = -1

    # -- what an adapter provides --------------------------------------------------------------

    def try_once(self, item: T) -> AttemptResult:
        """One attempt at delivering ``item``; runs in the queue's thread. Should not raise
        (an exception counts as a failure that is not retried)."""
        raise NotImplementedError

    def is_evictable(self, item: T) -> bool:
        """Whether a full queue may drop ``item`` to make room (default: never)."""
        return False

    def describe(self, item: T) -> str:
        """``item`` in log messages."""
        return str(item)

    def cause(self, result: AttemptResult) -> str:
        """The cause a failure is counted under (default: ``detail`` up to its first ``:``)."""
        return result.detail.partition(":")[0]

    def on_delivered(self, item: T, result: AttemptResult) -> None:
        """``item`` was delivered."""
        logger.debug("%s: %s delivered (%s)", self.name, self.describe(item), result.detail)

    def on_retry(self, item: T, attempt: int, result: AttemptResult, delay: float) -> None:
        """Attempt ``attempt`` of ``item`` failed; the next one starts in ``delay`` seconds."""
        logger.debug(
            "%s: %s attempt %s failed (%s); retrying in %.2fs",
            self.name,
            self.describe(item),
            attempt,
            result.detail,
            delay,
        )

    def on_give_up(self, item: T, result: AttemptResult, attempts: int, first: bool) -> None:
        """``item`` is given up on after ``attempts`` attempts (``result.retryable`` is
        ``False`` when it was rejected); ``first``: the first failure of its cause."""
        level = logging.WARNING if first else logging.DEBUG
        logger.log(
            level,
            "%s: %s not delivered after %s attempt(s) (%s); dropped",
            self.name,
            self.describe(item),
            attempts,
            result.detail,
        )

    def on_thread_exit(self) -> None:
        """The queue's thread ends (after :meth:`close`); release what it held."""
        return None

    def on_dropped(self, item: T, reason: str) -> None:
        """``item`` was dropped without an attempt: ``reason`` is ``"closed"``, ``"full"``
        (it found no room) or ``"evicted"`` (a newer item took its place). Called with the
        queue's lock held."""
        logger.warning("%s: %s dropped (queue %s)", self.name, self.describe(item), reason)

    # -- the reporting side (the workflow's threads) -------------------------------------------

    def put(self, item: T) -> bool:
        """Queue ``item``; never blocks for long. ``False`` when it was dropped.

        When the queue is full, the oldest evictable item is dropped to make room; when none
        is, ``put`` waits up to ``put_timeout`` seconds for room and then drops ``item``.
        """
        with self._cond:
            if self._closed:
                self._dropped += 1
                self.on_dropped(item, "closed")
                return False
            if len(self._queue) >= self.max_queue and not self._evict():
                deadline = time.monotonic() + self.put_timeout
                while len(self._queue) >= self.max_queue:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        self._dropped += 1
                        self._causes[QUEUE_FULL] = self._causes.get(QUEUE_FULL, 0) + 1
                        self.on_dropped(item, "full")
                        return False
                    self._cond.wait(remaining)
            self._queue.append(item)
            self._enqueued += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
            self._cond.notify_all()
            return True

    def _evict(self) -> bool:
        for index, queued in enumerate(self._queue):
            if self.is_evictable(queued):
                del self._queue[index]
                self._dropped += 1
                self._causes[QUEUE_FULL] = self._causes.get(QUEUE_FULL, 0) + 1
                self.on_dropped(queued, "evicted")
                return True
        return False

    def flush(self, timeout: float | None) -> bool:
        """Wait until every queued item was handled; ``False`` if ``timeout`` passed first.

        Items still pending then are given up on: the exit flush does not wait for them again.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._queue or self._inflight:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    self._abandoned_at = self._enqueued
                    logger.warning(
                        "%s: %s item(s) not delivered within %ss; giving up on them",
                        self.name,
                        len(self._queue) + len(self._inflight),
                        timeout,
                    )
                    return False
                self._cond.wait(remaining)
        return True

    def needs_exit_flush(self) -> bool:
        """Whether items are pending that no earlier flush already gave up on."""
        with self._cond:
            pending = bool(self._queue) or bool(self._inflight)
            return pending and self._enqueued != self._abandoned_at

    def close(self, timeout: float | None) -> bool:
        """Flush, then stop the thread (waiting for it at most ``timeout`` more seconds);
        later items are dropped."""
        delivered = self.flush(timeout)
        with self._cond:
            self._closed = True
            self._wakeup.set()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        return delivered

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` ran."""
        return self._closed

    @property
    def pending(self) -> int:
        """Items queued or being delivered right now."""
        with self._cond:
            return len(self._queue) + len(self._inflight)

    def stats(self) -> DeliveryStats:
        """The counters right now."""
        with self._cond:
            return DeliveryStats(
                self._enqueued,
                self._sent,
                self._failed,
                self._dropped,
                len(self._queue) + len(self._inflight),
                tuple(self._causes.items()),
            )

    def after_fork_in_child(self) -> None:
        """Start over empty: the parent still owns (and delivers) what was queued before the fork.

        Called for every queue by an at-fork hook; an adapter calls it only for its own state.
        """
        self._reset_state()

    # -- the queue's thread --------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._queue:
                    break
                item = self._queue.popleft()
                self._inflight.append(item)
                self._cond.notify_all()
            try:
                sent = self._deliver(item)
            except Exception:  # a bug must not kill the thread and hang every flush
                logger.exception("%s: delivering %s failed", self.name, self.describe(item))
                sent = False
            with self._cond:
                self._inflight.clear()
                if sent:
                    self._sent += 1
                else:
                    self._failed += 1
                self._cond.notify_all()
        try:
            self.on_thread_exit()
        except Exception:
            logger.exception("%s: releasing the thread's resources failed", self.name)

    def _deliver(self, item: T) -> bool:
        policy = self.policy
        attempts = 1 if self._down else policy.max_attempts
        attempt = 1
        while True:
            try:
                result: AttemptResult = self.try_once(item)
            except Exception as error:
                result = Attempt(False, False, f"{type(error).__name__}: {error}")
            if result.delivered:
                self._down = False
                self.on_delivered(item, result)
                return True
            if not result.retryable:
                self._down = False
                break
            if attempt >= attempts:
                self._down = policy.probe_when_down
                break
            delay = policy.delay(attempt, result.retry_after)
            self.on_retry(item, attempt, result, delay)
            if self._wakeup.wait(delay):
                self._down = policy.probe_when_down
                break
            attempt += 1
        cause = self.cause(result)
        with self._cond:
            seen = self._causes.get(cause, 0)
            self._causes[cause] = seen + 1
        self.on_give_up(item, result, attempt, not seen)
        return False


def _flush_all_at_exit() -> None:
    # Daemon threads are frozen at interpreter exit: deliver what is pending while they run.
    for queue in list(_queues):
        try:
            if queue.exit_flush_timeout > 0 and queue.needs_exit_flush():
                queue.flush(queue.exit_flush_timeout)
        except Exception:  # exiting anyway: report, never raise
            logger.exception("%s: flushing at exit failed", queue.name)


def _reset_all_in_child() -> None:
    for queue in list(_queues):
        queue.after_fork_in_child()


atexit.register(_flush_all_at_exit)
if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_reset_all_in_child)
