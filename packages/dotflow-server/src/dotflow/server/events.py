"""Events: one HTTP call to the backend, snapshotted when the status changed."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

__all__ = ["CONTEXTS", "Event", "degrade", "encode_body", "make_event"]


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
        sequence: the event's place in its workflow's history (sent as ``X-Dotflow-Sequence``
            and as ``"sequence"`` in the body); the same on every retry. ``0``: none.
    """

    method: str
    path: str
    body: bytes
    evictable: bool
    label: str
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    sequence: int = 0


def make_event(
    method: str,
    path: str,
    data: dict[str, Any],
    *,
    evictable: bool,
    label: str,
    sequence: int = 0,
) -> Event:
    """Encode ``data`` (with ``"sequence"`` added when given) now and wrap it in an :class:`Event`.

    Raises:
        ValueError: ``data`` has no standard JSON form (a cycle, NaN, a lone surrogate, an int
            too long for text); :func:`encode_body` says why.
    """
    if sequence:
        data = {**data, "sequence": sequence}
    return Event(method, path, encode_body(data), evictable, label, sequence=sequence)


def encode_body(data: Any) -> bytes:
    """``data`` as standard JSON in UTF-8: no ``NaN``/``Infinity`` tokens, no lone surrogates.

    Raises:
        ValueError: what has no such form (``UnicodeEncodeError`` is a ``ValueError`` too).
    """
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False, default=str)
    except RecursionError as error:  # a cycle inside an object that default=str walked
        raise ValueError(str(error)) from error
    return text.encode("utf-8")


def degrade(data: dict[str, Any], reason: str) -> dict[str, Any]:
    """``data`` with its contexts replaced by a marker saying ``reason``, and every other value
    made encodable (lone surrogates escaped, ``NaN``/``Infinity`` as ``None``)."""
    marker = {"unserializable": True, "reason": reason[:500]}
    copy = {name: marker if name in CONTEXTS else value for name, value in data.items()}
    return cast("dict[str, Any]", _plain(copy))


#: The fields of a task payload that hold a user's values.
CONTEXTS = ("initial_context", "current_context", "previous_context")


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {_plain(str(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return _plain(str(value))
