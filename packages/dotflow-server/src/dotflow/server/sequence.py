"""Sequence numbers: the order of a workflow's events, which a backend uses to drop stale ones.

A request that outlives the client's timeout may still reach the backend after a later event
(the final ``Completed``) was applied. Each event carries a number strictly increasing per
workflow; a backend ignores an event whose number is not above the last one it applied to the
same resource. The number is the wall clock in microseconds (or the previous number + 1 when the
clock has not moved on or went back), so a later process, such as a resume, continues above an
earlier one.
"""

from __future__ import annotations

import threading
import time

__all__ = ["HEADER", "Sequences"]

#: The request header that carries an event's sequence number (the body carries ``sequence``).
HEADER = "X-Dotflow-Sequence"


class Sequences:
    """The next sequence number of each workflow in this process (thread-safe)."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}
        self._lock = threading.Lock()

    def next(self, workflow: str) -> int:
        """A number above every earlier one of ``workflow`` in this process, and near now."""
        now = time.time_ns() // 1000
        with self._lock:
            number = max(self._last.get(workflow, 0) + 1, now)
            self._last[workflow] = number
            return number

    def after_fork_in_child(self) -> None:
        """A new lock (another thread may have held the old one at the fork); the numbers stay,
        so the child goes on above what the parent sent."""
        self._lock = threading.Lock()
