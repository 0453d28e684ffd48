"""The Scheduler port: starts a workflow again and again."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from dotflow.core.workflow import WorkflowRun

__all__ = ["Schedulable", "Scheduler"]


class Schedulable(Protocol):
    """What a scheduler runs: a ``DotFlow``, or anything that starts one and reports the run.

    The CLI, for example, schedules a wrapper that records every run in the execution log.
    """

    @property
    def workflow_id(self) -> str:
        """The id of the workflow every run belongs to."""
        ...

    def start(self, *args: Any, **kwargs: Any) -> WorkflowRun:
        """Start one run with the scheduler's ``kwargs``; return its handle."""
        ...


class Scheduler(ABC):
    """Runs ``workflow.start(**kwargs)`` on a schedule until stopped."""

    @abstractmethod
    def start(self, workflow: Schedulable, **kwargs: Any) -> None:
        """Run the workflow on schedule; blocks until the scheduler stops."""

    @abstractmethod
    def stop(self) -> None:
        """Stop scheduling; running workflows finish."""
