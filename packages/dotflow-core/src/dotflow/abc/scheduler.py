"""The Scheduler port: starts a workflow again and again."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from dotflow.core.types.status import WorkflowStatus

__all__ = ["Run", "Schedulable", "Scheduler"]


class Run(Protocol):
    """One run of a workflow, as a scheduler sees it (a ``dotflow.WorkflowRun``)."""

    @property
    def workflow_id(self) -> str:
        """The id of the workflow this run belongs to."""
        ...

    @property
    def status(self) -> WorkflowStatus:
        """In progress until the run finishes, then Completed or Failed."""
        ...

    def done(self) -> bool:
        """Whether the run has finished."""
        ...

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the run to finish; ``False`` if ``timeout`` passed first."""
        ...


class Schedulable(Protocol):
    """What a scheduler runs: a ``DotFlow``, or anything that starts one and reports the run.

    The CLI, for example, schedules a wrapper that records every run in the execution log.
    """

    @property
    def workflow_id(self) -> str:
        """The id of the workflow every run belongs to."""
        ...

    def start(self, *args: Any, **kwargs: Any) -> Run:
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
