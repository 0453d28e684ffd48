"""The Notify port: tells people about task status changes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dotflow.core.task import Task

__all__ = ["Notify"]


class Notify(ABC):
    """Sends a notification for a task. Must never fail the task: report, don't raise."""

    @abstractmethod
    def send(self, task: Task) -> None:
        """Notify about ``task``'s current status."""

    def flush(self, timeout: float | None = None) -> bool:
        """Deliver what is still pending, waiting at most ``timeout`` seconds.

        Returns ``True`` when nothing is left pending. Adapters that deliver synchronously need
        not override it.
        """
        return True
