"""dotflow 1.0.1's exception names, as aliases of the exceptions raised now.

``except MissingActionDecorator:`` written for 1.0.1 catches what dotflow raises today for the
same mistake. New code should import from :mod:`dotflow.core.exceptions`.
"""

from __future__ import annotations

from dotflow.core.exceptions import (
    ExecutionModeNotFoundError,
    InputChangedError,
    InvalidOnInputChangeError,
    InvalidWorkflowFactoryError,
    NotAnActionError,
    NotCallableError,
    StepImportError,
)
from dotflow.core.task import TaskError

__all__ = [
    "ExecutionModeNotExist",
    "ImportModuleError",
    "InputChangedError",
    "InvalidOnInputChange",
    "InvalidWorkflowFactory",
    "MissingActionDecorator",
    "ModuleNotFound",
    "NotCallableObject",
    "TaskError",
]

MissingActionDecorator = NotAnActionError
ExecutionModeNotExist = ExecutionModeNotFoundError
ImportModuleError = StepImportError
NotCallableObject = NotCallableError
InvalidWorkflowFactory = InvalidWorkflowFactoryError
InvalidOnInputChange = InvalidOnInputChangeError
# A missing optional distribution raises the builtin, naming what to install.
ModuleNotFound = ModuleNotFoundError
