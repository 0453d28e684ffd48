"""The default notifier: sends nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dotflow.abc.notify import Notify

if TYPE_CHECKING:
    from dotflow.core.task import Task

__all__ = ["NotifyDefault"]


class NotifyDefault(Notify):
    """Sends no notification; the engine never calls it (``noop``), so it costs nothing."""

    noop = True

    def send(self, task: Task) -> None:
        return None
