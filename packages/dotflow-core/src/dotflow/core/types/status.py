"""Task and workflow statuses."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["TERMINAL", "TypeStatus", "WorkflowStatus"]


class TypeStatus(StrEnum):
    """The status of a task. The value is what logs, storages and servers see."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    PAUSED = "Paused"
    RETRY = "Retry"
    FAILED = "Failed"

    @property
    def symbol(self) -> str:
        """A one-character symbol for terminals and notifications."""
        return _SYMBOLS[self]


class WorkflowStatus(StrEnum):
    """The status of a whole workflow run."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    FAILED = "Failed"
    #: dotflow 1.0.1's name of NOT_STARTED (an alias: the value is "Not started", not "New").
    NEW = "Not started"


_SYMBOLS = {
    TypeStatus.NOT_STARTED: "○",
    TypeStatus.IN_PROGRESS: "▶",
    TypeStatus.COMPLETED: "✔",
    TypeStatus.PAUSED: "⏸",
    TypeStatus.RETRY: "↻",
    TypeStatus.FAILED: "✘",
}

TERMINAL = frozenset({TypeStatus.COMPLETED, TypeStatus.FAILED})
