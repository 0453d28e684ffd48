"""The Server port: reports workflows and tasks to a remote backend."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dotflow.core.task import Task
    from dotflow.core.types.status import WorkflowStatus

__all__ = ["Server"]


class Server(ABC):
    """Reports workflow and task state. Must never fail the workflow: report, don't raise."""

    #: ``True`` for an adapter that reports nothing: the engine then never calls ``update_task``
    #: for each status change. Unlike the other ports' markers it may differ per instance (a
    #: class can make it a property), since one class may report or not depending on how it was
    #: made. A subclass that defines its own ``update_task`` without setting ``noop`` is taken
    #: to report something, even below a no-op class.
    noop: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "noop" not in cls.__dict__ and "update_task" in cls.__dict__:
            cls.noop = False

    @abstractmethod
    def create_workflow(self, workflow: str) -> None:
        """Register a new workflow id."""

    @abstractmethod
    def update_workflow(self, workflow: str, status: WorkflowStatus) -> None:
        """Report the workflow's status."""

    @abstractmethod
    def create_task(self, task: Task) -> None:
        """Register a task added to a workflow."""

    @abstractmethod
    def update_task(self, task: Task) -> None:
        """Report a task's status change."""

    def flush(self, timeout: float | None = None) -> bool:
        """Deliver what is still pending, waiting at most ``timeout`` seconds.

        Returns ``True`` when nothing is left pending. Adapters that deliver synchronously need
        not override it.
        """
        return True
