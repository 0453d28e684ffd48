"""The server's event queue: the SPI's delivery queue, with the server's retry rules and words."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dotflow.spi.delivery import AttemptResult, DeliveryQueue, RetryPolicy

if TYPE_CHECKING:
    from dotflow.server.events import Event
    from dotflow.server.transport import Reply

__all__ = ["RetryPolicy", "Sender", "SenderStats", "cause_of"]

logger = logging.getLogger(__name__)


def cause_of(detail: str) -> str:
    """The cause of a failed delivery, without the particulars (``"HTTP 401"``,
    ``"connection failed"``, ``"no answer"``)."""
    if detail.startswith("no answer"):
        return "no answer"
    return detail.partition(":")[0]


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


class Sender(DeliveryQueue["Event"]):
    """Delivers events in order from one daemon thread (the SPI's delivery queue).

    Args:
        deliver: one attempt at sending an event.
        policy: how often and how long to retry transient failures.
        max_queue: how many events may wait; see :meth:`put` for what happens beyond.
        put_timeout: how long :meth:`put` may wait for room when nothing can be evicted.
        name: the thread's name.
        exit_flush_timeout: how long the interpreter waits at exit for pending events.
    """

    def __init__(
        self,
        deliver: Callable[[Event], Reply],
        policy: RetryPolicy,
        max_queue: int = 1000,
        put_timeout: float = 1.0,
        name: str = "dotflow-server-sender",
        exit_flush_timeout: float = 10.0,
    ) -> None:
        self._deliver_once = deliver
        super().__init__(policy, max_queue, put_timeout, name, exit_flush_timeout)

    def _reset_state(self) -> None:
        super()._reset_state()
        self._unencodable = 0

    def stats(self) -> SenderStats:  # type: ignore[override]
        """The counters right now."""
        base = super().stats()
        with self._cond:
            unencodable = self._unencodable
        return SenderStats(
            base.enqueued,
            base.sent,
            base.failed,
            base.dropped,
            base.pending,
            unencodable,
            base.causes,
        )

    def count_unencodable(self) -> None:
        """Count an event sent with its values replaced by a marker (they had no JSON form)."""
        with self._cond:
            self._unencodable += 1

    # -- the queue's hooks: one attempt, and the log lines in the server's words -----------------

    def try_once(self, item: Event) -> Reply:
        return self._deliver_once(item)

    def is_evictable(self, item: Event) -> bool:
        return item.evictable

    def describe(self, item: Event) -> str:
        return f"{item.method} {item.label}"

    def cause(self, result: AttemptResult) -> str:
        return cause_of(result.detail)

    def on_delivered(self, item: Event, result: AttemptResult) -> None:
        logger.debug("dotflow server: %s %s sent (%s)", item.method, item.label, result.detail)

    def on_retry(self, item: Event, attempt: int, result: AttemptResult, delay: float) -> None:
        logger.debug(
            "dotflow server: %s attempt %s failed (%s); retrying in %.2fs",
            item.label,
            attempt,
            result.detail,
            delay,
        )

    def on_give_up(self, item: Event, result: AttemptResult, attempts: int, first: bool) -> None:
        # A wrong token or a dead backend fails every event the same way: one line says so (with
        # the backend's message), the others are counted for the summary (``stats().causes``).
        if result.retryable:
            level = logging.WARNING
            message = "dotflow server: %s %s not delivered after %s attempt(s) (%s); dropped"
            args: tuple[object, ...] = (item.method, item.label, attempts, result.detail)
        else:
            level = logging.ERROR
            message = "dotflow server rejected %s %s (%s); dropped"
            args = (item.method, item.label, result.detail)
        if first:
            later = "; later events failing the same way are counted, not logged"
            logger.log(level, message + later, *args)
        else:
            logger.debug(message, *args)

    def on_dropped(self, item: Event, reason: str) -> None:
        if reason == "closed":
            logger.warning("dotflow server reporter is closed; %s not sent", item.label)
        elif reason == "evicted":
            logger.warning(
                "dotflow server queue is full (%s events); dropped the older %s",
                len(self._queue) + 1,
                item.label,
            )
        else:
            logger.warning(
                "dotflow server queue is full (%s events); %s dropped", len(self._queue), item.label
            )
