"""The ordered, bounded event queue and the one background thread that drains it."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dotflow.server.events import Event
    from dotflow.server.transport import Reply

__all__ = ["RetryPolicy", "Sender", "SenderStats", "cause_of"]

logger = logging.getLogger(__name__)

_QUEUE_FULL = "queue full"


def cause_of(detail: str) -> str:
    """The cause of a failed delivery, without the particulars (``"HTTP 401"``,
    ``"connection failed"``, ``"no answer"``)."""
    if detail.startswith("no answer"):
        return "no answer"
    return detail.partition(":")[0]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Capped exponential backoff with jitter.

    Args:
        max_attempts: attempts per event (the first one included).
        backoff_base: the wait after the first failed attempt, doubled after each further one.
        backoff_max: the cap of one wait (also of a backend's ``Retry-After``).
    """

    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 8.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if retry_after is not None:
            return min(retry_after, self.backoff_max)
        cap = min(self.backoff_max, self.backoff_base * 2.0 ** (attempt - 1))
        # "Equal jitter": at least half the step, so retries never bunch up at zero.
        return cap / 2 + random.uniform(0, cap / 2)


@dataclass(frozen=True, slots=True)
class SenderStats:
    """Counters of a sender (since it was created or since the process forked).

    Attributes:
        enqueued: events reported.
        sent: events the backend accepted.
        failed: events given up on (rejected with a 4xx, or still failing after every attempt).
        dropped: events discarded because the queue was full.
        pending: events queued or being sent right now.
        unencodable: events whose values had no JSON form (a cycle, a lone surrogate, NaN...):
            they were sent with their contexts replaced by a marker saying why.
        causes: why events were not delivered, as ``(cause, count)`` pairs in order of first
            occurrence (``("HTTP 401", 8)``, ``("connection failed", 3)``, ``("queue full", 1)``).
    """

    enqueued: int
    sent: int
    failed: int
    dropped: int
    pending: int
    unencodable: int = 0
    causes: tuple[tuple[str, int], ...] = ()


class Sender:
    """Delivers events in order from one daemon thread, started on the first event.

    Args:
        deliver: one attempt at sending an event.
        policy: how often and how long to retry transient failures.
        max_queue: how many events may wait; see :meth:`put` for what happens beyond.
        put_timeout: how long :meth:`put` may wait for room when nothing can be evicted.
        name: the thread's name.
    """

    def __init__(
        self,
        deliver: Callable[[Event], Reply],
        policy: RetryPolicy,
        max_queue: int = 1000,
        put_timeout: float = 1.0,
        name: str = "dotflow-server-sender",
    ) -> None:
        self._deliver = deliver
        self._policy = policy
        self._max_queue = max_queue
        self._put_timeout = put_timeout
        self._name = name
        self._reset_state()

    def _reset_state(self) -> None:
        self._cond = threading.Condition()
        self._queue: deque[Event] = deque()
        self._inflight: Event | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._wakeup = threading.Event()
        # After an event exhausted its attempts the backend is taken as unreachable: later events
        # get one attempt each until one gets through, so a dead backend cannot hold the queue.
        self._unreachable = False
        self._enqueued = self._sent = self._failed = self._dropped = self._unencodable = 0
        # Why events were not delivered, counted per cause; each cause is logged once in full.
        self._causes: dict[str, int] = {}
        self._abandoned_at = -1

    # -- the reporting side (the workflow's threads) ------------------------------------------

    def put(self, event: Event) -> None:
        """Queue ``event``; never blocks for long.

        When the queue is full, the oldest *evictable* event (an ``In progress``/``Retry`` update)
        is dropped to make room. When every queued event matters (creations, terminal updates),
        ``put`` waits up to ``put_timeout`` seconds for the sender to make room and then drops
        ``event`` itself. Either way a warning is logged and ``dropped`` counts it.
        """
        with self._cond:
            if self._closed:
                logger.warning("dotflow server reporter is closed; %s not sent", event.label)
                self._dropped += 1
                return
            if len(self._queue) >= self._max_queue and not self._evict():
                deadline = time.monotonic() + self._put_timeout
                while len(self._queue) >= self._max_queue:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        self._dropped += 1
                        self._causes[_QUEUE_FULL] = self._causes.get(_QUEUE_FULL, 0) + 1
                        logger.warning(
                            "dotflow server queue is full (%s events); %s dropped",
                            len(self._queue),
                            event.label,
                        )
                        return
                    self._cond.wait(remaining)
            self._queue.append(event)
            self._enqueued += 1
            self._ensure_thread()
            self._cond.notify_all()

    def _evict(self) -> bool:
        for index, queued in enumerate(self._queue):
            if queued.evictable:
                del self._queue[index]
                self._dropped += 1
                self._causes[_QUEUE_FULL] = self._causes.get(_QUEUE_FULL, 0) + 1
                logger.warning(
                    "dotflow server queue is full (%s events); dropped the older %s",
                    len(self._queue) + 1,
                    queued.label,
                )
                return True
        return False

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def flush(self, timeout: float) -> bool:
        """Wait until every queued event was handled; ``False`` if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._inflight is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._abandoned_at = self._enqueued
                    logger.warning(
                        "dotflow server: %s events not delivered within %ss; giving up on them",
                        len(self._queue) + (self._inflight is not None),
                        timeout,
                    )
                    return False
                self._cond.wait(remaining)
        return True

    def needs_exit_flush(self) -> bool:
        """Whether events are pending that no earlier flush already gave up on."""
        with self._cond:
            pending = bool(self._queue) or self._inflight is not None
            return pending and self._enqueued != self._abandoned_at

    def close(self, timeout: float) -> bool:
        """Flush, then stop the thread; later events are dropped."""
        delivered = self.flush(timeout)
        with self._cond:
            self._closed = True
            self._wakeup.set()
            self._cond.notify_all()
        return delivered

    def stats(self) -> SenderStats:
        """The counters right now."""
        with self._cond:
            pending = len(self._queue) + (self._inflight is not None)
            return SenderStats(
                self._enqueued,
                self._sent,
                self._failed,
                self._dropped,
                pending,
                self._unencodable,
                tuple(self._causes.items()),
            )

    def count_unencodable(self) -> None:
        """Count an event sent with its values replaced by a marker (they had no JSON form)."""
        with self._cond:
            self._unencodable += 1

    def after_fork_in_child(self) -> None:
        """Start over empty: the parent still owns (and sends) the events queued before the fork."""
        self._reset_state()

    # -- the sender thread -----------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._queue:
                    return
                event = self._queue.popleft()
                self._inflight = event
                self._cond.notify_all()
            try:
                outcome = self._send(event)
            except Exception:  # a bug must not kill the thread and hang every flush
                logger.exception("dotflow server: sending %s failed unexpectedly", event.label)
                outcome = "failed"
            with self._cond:
                self._inflight = None
                if outcome == "sent":
                    self._sent += 1
                else:
                    self._failed += 1
                self._cond.notify_all()

    def _send(self, event: Event) -> str:
        attempts = 1 if self._unreachable else self._policy.max_attempts
        for attempt in range(1, attempts + 1):
            reply = self._deliver(event)
            if reply.delivered:
                self._unreachable = False
                logger.debug(
                    "dotflow server: %s %s sent (%s)", event.method, event.label, reply.detail
                )
                return "sent"
            if not reply.retryable:
                self._unreachable = False
                self._give_up(
                    logging.ERROR,
                    reply.detail,
                    "dotflow server rejected %s %s (%s); dropped",
                    event.method,
                    event.label,
                )
                return "failed"
            if attempt == attempts:
                break
            delay = self._policy.delay(attempt, reply.retry_after)
            logger.debug(
                "dotflow server: %s attempt %s failed (%s); retrying in %.2fs",
                event.label,
                attempt,
                reply.detail,
                delay,
            )
            if self._wakeup.wait(delay):
                break
        self._unreachable = True
        self._give_up(
            logging.WARNING,
            reply.detail,
            "dotflow server: %s %s not delivered after %s attempt(s) (%s); dropped",
            event.method,
            event.label,
            attempt,
        )
        return "failed"

    def _give_up(self, level: int, detail: str, message: str, *args: object) -> None:
        """Count an event given up on under its cause; log the first of each cause in full.

        A wrong token or a dead backend fails every event the same way: one line says so (with
        the backend's message), the others are counted for the summary (``stats().causes``).
        """
        cause = cause_of(detail)
        with self._cond:
            seen = self._causes.get(cause, 0)
            self._causes[cause] = seen + 1
        if seen:
            logger.debug(message, *args, detail)
        else:
            logger.log(
                level,
                message + "; later events failing the same way are counted, not logged",
                *args,
                detail,
            )
