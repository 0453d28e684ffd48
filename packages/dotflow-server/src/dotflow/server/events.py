"""Events: one HTTP call to the backend, snapshotted when the status changed."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Event", "make_event"]


@dataclass(frozen=True, slots=True)
class Event:
    """One request to send, frozen at the moment it was reported.

    Attributes:
        method: ``POST`` or ``PATCH``.
        path: the path under the base URL (``/workflows/{id}/tasks/{n}``).
        body: the JSON body, already encoded: later changes to the task cannot alter it.
        evictable: whether a full queue may drop it (an ``In progress``/``Retry`` update, which a
            later update of the same object supersedes). Creations and terminal updates are kept.
        label: what it is, for logs (``update_task 2 Completed``).
        key: the idempotency key, the same on every retry of this event.
    """

    method: str
    path: str
    body: bytes
    evictable: bool
    label: str
    key: str = field(default_factory=lambda: uuid.uuid4().hex)


def make_event(
    method: str, path: str, data: dict[str, Any], *, evictable: bool, label: str
) -> Event:
    """Encode ``data`` now and wrap it in an :class:`Event`."""
    body = json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    return Event(method, path, body, evictable, label)
