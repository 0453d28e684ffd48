"""The errors dotflow raises on purpose, for adapters to raise, subclass or catch.

Every one subclasses :class:`DotflowError` and the nearest builtin (``ValueError``,
``ImportError``, ...), and its message names what was wrong and how to fix it.
"""

from __future__ import annotations

from dotflow.core.exceptions import (
    AdapterNotFoundError,
    DotflowError,
    ExecutionModeNotFoundError,
    InvalidWorkflowIdError,
    NotJSONSerializableError,
    NotPicklableError,
    PickledResultError,
    StepImportError,
    TaskTimeoutError,
    WorkerDiedError,
)

__all__ = [
    "AdapterNotFoundError",
    "DotflowError",
    "ExecutionModeNotFoundError",
    "InvalidWorkflowIdError",
    "NotJSONSerializableError",
    "NotPicklableError",
    "PickledResultError",
    "StepImportError",
    "TaskTimeoutError",
    "WorkerDiedError",
]
