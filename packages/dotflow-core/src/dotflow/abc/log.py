"""The Log port: a record of every task status change."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dotflow.core.task import Task

__all__ = ["LEVELS", "Log"]

#: Level names and their ``logging`` numbers (dotflow 1.0.1's table; ``LogDefault(level=...)``
#: takes these names, or any other level ``logging`` knows).
LEVELS = {
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
}


class Log(ABC):
    """Logs task status changes; ``warning`` and ``debug`` default to ``info``."""

    @abstractmethod
    def info(self, task: Task) -> None:
        """Record a status change."""

    @abstractmethod
    def error(self, task: Task) -> None:
        """Record a failure."""

    def warning(self, task: Task) -> None:
        """Record a warning (a retry)."""
        self.info(task)

    def debug(self, task: Task) -> None:
        """Record a detail."""
        self.info(task)
