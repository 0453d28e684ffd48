"""The Context: what a task returned, and where it came from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

__all__ = ["Context"]


@attrs.define(eq=True)
class Context:
    """A task's return value (``storage``) with its task id, workflow id and time.

    A context given as ``storage`` is unwrapped, as in dotflow 1.0.1:
    ``Context(storage=Context(storage=x)).storage == x``. The inner context's task id and
    workflow id fill the ones not given, and its time is kept.

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

    def __attrs_post_init__(self) -> None:
        inner = self.storage
        if isinstance(inner, Context):
            self.storage = inner.storage  # already flat: the inner one was unwrapped when made
            self.time = inner.time
            if self.task_id is None:
                self.task_id = inner.task_id
            if self.workflow_id is None:
                self.workflow_id = inner.workflow_id
