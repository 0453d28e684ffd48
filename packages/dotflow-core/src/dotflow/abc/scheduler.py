"""The Scheduler port: starts a workflow again and again."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dotflow.core.workflow import DotFlow

__all__ = ["Scheduler"]


class Scheduler(ABC):
    """Runs ``workflow.start(**kwargs)`` on a schedule until stopped."""

    @abstractmethod
    def start(self, workflow: DotFlow, **kwargs: Any) -> None:
        """Run the workflow on schedule; blocks until the scheduler stops."""

    @abstractmethod
    def stop(self) -> None:
        """Stop scheduling; running workflows finish."""
