"""The default metrics: records nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dotflow.abc.metrics import Metrics

if TYPE_CHECKING:
    from dotflow.core.task import Task

__all__ = ["MetricsDefault"]


class MetricsDefault(Metrics):
    """Records no metric; the engine never calls it (``noop``), so it costs nothing per task."""

    noop = True

    def workflow_started(self, workflow_id: str, mode: str) -> None:
        return None

    def workflow_completed(self, workflow_id: str, duration: float) -> None:
        return None

    def workflow_failed(self, workflow_id: str, duration: float) -> None:
        return None

    def task_completed(self, task: Task) -> None:
        return None

    def task_failed(self, task: Task) -> None:
        return None
