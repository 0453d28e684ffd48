"""The Notify port: tells people about task status changes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from dotflow.core.task import Task

__all__ = ["Notify"]


def _send_through_hook(self: Any, task: Task) -> None:
    self.hook_status_task(task=task)


class Notify(ABC):
    """Sends a notification for a task. Must never fail the task: report, don't raise.

    A subclass written for dotflow 1.0.1, which implements ``hook_status_task(task)`` instead of
    ``send``, works unchanged: its ``send`` calls that hook.
    """

    #: ``True`` for an adapter that sends nothing: the engine then never calls ``send``. A
    #: subclass that defines its own ``send`` (or ``hook_status_task``) without setting ``noop``
    #: is taken to send something, even below a no-op class.
    noop: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "noop" not in cls.__dict__ and (
            "send" in cls.__dict__ or "hook_status_task" in cls.__dict__
        ):
            cls.noop = False
        # Runs before ABCMeta collects the abstract methods, so the adapted class is concrete.
        if callable(getattr(cls, "hook_status_task", None)) and getattr(
            cls.send, "__isabstractmethod__", False
        ):
            cls.send = _send_through_hook  # type: ignore[method-assign]

    @abstractmethod
    def send(self, task: Task) -> None:
        """Notify about ``task``'s current status."""

    def flush(self, timeout: float | None = None) -> bool:
        """Deliver what is still pending, waiting at most ``timeout`` seconds.

        Returns ``True`` when nothing is left pending. Adapters that deliver synchronously need
        not override it.
        """
        return True
