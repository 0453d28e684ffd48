"""The names of the built-in execution modes."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["TypeExecution"]


class TypeExecution(StrEnum):
    """Built-in execution modes; any name registered in ``dotflow.execution`` works too."""

    SEQUENTIAL = "sequential"
    SEQUENTIAL_GROUP = "sequential_group"
    BACKGROUND = "background"
    PARALLEL = "parallel"
