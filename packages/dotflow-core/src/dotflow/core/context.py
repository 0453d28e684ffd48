"""The Context: what a task returned, and where it came from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

__all__ = ["Context"]


@attrs.define(eq=True)
class Context:
    """A task's return value (``storage``) with its task id, workflow id and time.

    Args:
        storage: the value the task returned (any object; persistent storages need JSON types).
        task_id: the position of the task in its workflow (1, 2, 3 ...).
        workflow_id: the id of the workflow the task belongs to.
        time: when the value was produced.
    """

    storage: Any = None
    task_id: int | None = None
    workflow_id: str | None = None
    time: datetime = attrs.field(factory=datetime.now, eq=False)
