"""The data adapters receive: tasks, their contexts and errors, and statuses.

Ports are called with these objects; an adapter reads them and never changes them (the engine
owns a task's state). See the attributes of :class:`Task` for what each status change carries.
"""

from __future__ import annotations

from dotflow.core.context import Context
from dotflow.core.task import NO_CONTEXT, Task, TaskError
from dotflow.core.types.status import TERMINAL, TypeStatus, WorkflowStatus

__all__ = [
    "NO_CONTEXT",
    "TERMINAL",
    "Context",
    "Task",
    "TaskError",
    "TypeStatus",
    "WorkflowStatus",
]
