"""The default tracer: traces nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dotflow.abc.tracer import Tracer

if TYPE_CHECKING:
    from dotflow.core.task import Task

__all__ = ["TracerDefault"]


class TracerDefault(Tracer):
    """Records no trace; the engine never calls it (``noop``), so it costs nothing per task."""

    noop = True

    def start_workflow(self, workflow_id: str, mode: str, tasks_count: int) -> None:
        return None

    def end_workflow(self, workflow_id: str, duration: float, failed: bool) -> None:
        return None

    def start_task(self, task: Task) -> None:
        return None

    def end_task(self, task: Task) -> None:
        return None
