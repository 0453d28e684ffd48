"""The default server: reports nowhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dotflow.abc.server import Server

if TYPE_CHECKING:
    from dotflow.core.task import Task
    from dotflow.core.types.status import WorkflowStatus

__all__ = ["ServerDefault"]


class ServerDefault(Server):
    """Reports nothing: stand-alone use, no backend."""

    def create_workflow(self, workflow: str) -> None:
        return None

    def update_workflow(self, workflow: str, status: WorkflowStatus) -> None:
        return None

    def create_task(self, task: Task) -> None:
        return None

    def update_task(self, task: Task) -> None:
        return None
