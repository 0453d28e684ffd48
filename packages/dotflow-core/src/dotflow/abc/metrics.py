"""The Metrics port: counters and durations of workflow runs and their tasks."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from dotflow.core.task import Task

__all__ = ["Metrics"]


class Metrics(ABC):
    """Records workflow and task metrics. Must never fail the workflow: report, don't raise.

    Called like :class:`~dotflow.abc.Tracer`: workflow hooks from the thread that called
    ``start()``, task hooks from the orchestrating process, several threads at once when groups
    run side by side. Tasks restored from a checkpoint did not run and are not counted.
    """

    #: ``True`` for an adapter that records nothing: the engine then never calls it.
    noop: ClassVar[bool] = False

    @abstractmethod
    def workflow_started(self, workflow_id: str, mode: str) -> None:
        """A run of ``workflow_id`` starts in ``mode``."""

    @abstractmethod
    def workflow_completed(self, workflow_id: str, duration: float) -> None:
        """The run of ``workflow_id`` ended after ``duration`` seconds with every task Completed."""

    @abstractmethod
    def workflow_failed(self, workflow_id: str, duration: float) -> None:
        """The run of ``workflow_id`` ended after ``duration`` seconds with a failure."""

    def task_started(self, task: Task) -> None:
        """``task`` starts running (In progress). Optional (not in 1.0.1's port)."""
        return None

    def task_retried(self, task: Task) -> None:
        """An attempt of ``task`` failed and the next one starts."""
        return None

    @abstractmethod
    def task_completed(self, task: Task) -> None:
        """``task`` ended Completed; ``duration`` and ``retry_count`` are set."""

    @abstractmethod
    def task_failed(self, task: Task) -> None:
        """``task`` ended Failed; ``duration``, ``retry_count`` and ``errors`` are set."""
