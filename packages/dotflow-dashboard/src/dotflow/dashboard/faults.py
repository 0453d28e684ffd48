"""Fault injection for tests: errors, slowness and dropped connections on the next writes."""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = ["Fault", "Faults"]


@dataclass(frozen=True, slots=True)
class Fault:
    """What to do to one request: wait ``delay`` seconds, then drop it or answer ``status``."""

    delay: float = 0.0
    status: int | None = None
    drop: bool = False


class Faults:
    """Counters of faults to apply to the next write requests, in arrival order.

    Args:
        fail: answer the next ``fail`` requests with ``fail_status``.
        fail_status: the status for ``fail`` (500, 503, 429 ...).
        drop: close the connection of the next ``drop`` requests without answering.
        delay: wait this many seconds before handling the next ``delay_count`` requests.
        delay_count: how many requests ``delay`` applies to (``None``: all of them).
    """

    def __init__(
        self,
        fail: int = 0,
        fail_status: int = 500,
        drop: int = 0,
        delay: float = 0.0,
        delay_count: int | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._fail = fail
        self._fail_status = fail_status
        self._drop = drop
        self._delay = delay
        self._delay_count = delay_count

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer the next ``count`` requests with ``status``."""
        with self._lock:
            self._fail, self._fail_status = count, status

    def drop_next(self, count: int) -> None:
        """Close the connection of the next ``count`` requests without answering."""
        with self._lock:
            self._drop = count

    def delay_next(self, seconds: float, count: int | None = None) -> None:
        """Wait ``seconds`` before handling the next ``count`` requests (``None``: all)."""
        with self._lock:
            self._delay, self._delay_count = seconds, count

    def clear(self) -> None:
        """No more faults."""
        with self._lock:
            self._fail = self._drop = 0
            self._delay, self._delay_count = 0.0, None

    def take(self) -> Fault:
        """The fault for the request that just arrived (and count it as used)."""
        with self._lock:
            delay = 0.0
            if self._delay > 0 and (self._delay_count is None or self._delay_count > 0):
                delay = self._delay
                if self._delay_count is not None:
                    self._delay_count -= 1
            if self._drop > 0:
                self._drop -= 1
                return Fault(delay, drop=True)
            if self._fail > 0:
                self._fail -= 1
                return Fault(delay, status=self._fail_status)
            return Fault(delay)
