"""The Tracer port: spans (or any trace records) for workflow runs and their tasks."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from dotflow.core.task import Task

__all__ = ["Tracer"]


class Tracer(ABC):
    """Traces workflow runs and their tasks. Must never fail the workflow: report, don't raise.

    The workflow hooks are called in the thread that called ``start()`` (so a tracer can make the
    caller's current span the run's parent); the task hooks are called by the orchestrating
    process from whichever thread runs the task's group, several at once when groups run side by
    side. Tasks restored from a checkpoint did not run and get no task hooks.
    """

    #: ``True`` for an adapter that records nothing: the engine then never calls it.
    noop: ClassVar[bool] = False

    @abstractmethod
    def start_workflow(self, workflow_id: str, mode: str, tasks_count: int) -> None:
        """A run of ``workflow_id`` with ``tasks_count`` tasks starts in ``mode``."""

    @abstractmethod
    def end_workflow(self, workflow_id: str, duration: float, failed: bool) -> None:
        """The run of ``workflow_id`` ended after ``duration`` s; ``failed``: a task failed."""

    @abstractmethod
    def start_task(self, task: Task) -> None:
        """``task`` starts its first attempt (its status is In progress)."""

    def retry_task(self, task: Task) -> None:
        """An attempt of ``task`` failed and the next one starts (``task.status`` is Retry).

        Optional: dotflow 1.0.1's port had no such hook."""
        return None

    @abstractmethod
    def end_task(self, task: Task) -> None:
        """``task`` ended: ``status`` is Completed or Failed; ``duration``, ``retry_count`` and
        ``errors`` (one entry per failed attempt, in order) are set."""
