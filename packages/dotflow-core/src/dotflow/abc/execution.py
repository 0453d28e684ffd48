"""The Execution port: how a workflow's task groups are run."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from dotflow.abc.runtime import Runtime
    from dotflow.core.task import Task

__all__ = ["Execution"]


class Execution(ABC):
    """Runs groups of tasks. Tasks inside a group run in order, each fed the previous context.

    ``runtime`` does everything around a task (checkpoints, status changes, storage, callbacks):
    an execution only decides where and when each task computes.
    """

    #: ``True`` when ``start()`` should return at once and run in a background thread.
    detached: ClassVar[bool] = False
    #: The mode's name in results and logs (its entry-point name); the class name when empty.
    name: ClassVar[str] = ""
    #: ``False`` when every task runs on its own, so a step's ``previous_context`` is empty
    #: (``parallel``); ``start()`` then warns about steps that read it.
    chains_context: ClassVar[bool] = True

    def __str__(self) -> str:
        return self.name or type(self).__name__

    @abstractmethod
    def run(self, groups: list[list[Task]], runtime: Runtime) -> None:
        """Run every group to completion; tasks are updated in place."""
