"""One delivery queue for reporters that must never slow the workflow (notifiers, servers).

Subclass :class:`DeliveryQueue`, implement ``try_once(item)`` (one attempt, returning an
:class:`Attempt`) and pick a :class:`RetryPolicy`; ``put`` from the adapter's ``send``, and
``flush(timeout)`` from its ``flush``. The queue delivers in order from one daemon thread, bounds
what waits, retries transient failures with capped backoff (honouring ``Retry-After``), flushes at
interpreter exit and starts empty in a forked child.
"""

from __future__ import annotations

from dotflow.core.delivery import (
    Attempt,
    AttemptResult,
    DeliveryQueue,
    DeliveryStats,
    RetryPolicy,
)

__all__ = ["Attempt", "AttemptResult", "DeliveryQueue", "DeliveryStats", "RetryPolicy"]
