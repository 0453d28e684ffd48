"""The Storage port: where task results (contexts) are kept."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dotflow.core.context import Context
    from dotflow.core.task import Task

__all__ = ["Storage"]


class Storage(ABC):
    """Keeps one context per key. Failures raise: losing a result is a real failure.

    Keys look like ``"{workflow_id}/{task_id}"``: safe path segments joined by ``/``.
    """

    @abstractmethod
    def post(self, key: str, context: Context) -> None:
        """Store ``context`` under ``key``, replacing what was there."""

    @abstractmethod
    def get(self, key: str) -> Context | None:
        """The context stored under ``key``, or ``None`` when nothing is."""

    def key(self, task: Task) -> str:
        """The key a task's result is stored under."""
        return f"{task.workflow_id}/{task.task_id}"

    def list_keys(self, prefix: str) -> list[str]:
        """Every stored key that starts with ``prefix``, sorted (optional)."""
        raise NotImplementedError(f"{type(self).__name__} cannot list keys")

    def delete_prefix(self, prefix: str) -> int:
        """Delete every key that starts with ``prefix``; return how many (optional)."""
        raise NotImplementedError(f"{type(self).__name__} cannot delete keys")
