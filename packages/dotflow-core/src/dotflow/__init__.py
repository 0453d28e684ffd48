"""dotflow: lightweight execution pipelines."""

# dotflow is a namespace shared by several distributions (dotflow-core owns this file; dotflow-cli,
# dotflow-aws ... add dotflow.cli, dotflow.aws ...). Editable installs put each distribution on its
# own sys.path entry, so the package path must span all of them. This is what
# pkgutil.extend_path(__path__, __name__) does for directories, without importing pkgutil (which
# costs more than the rest of `import dotflow`).
import os as _os
import sys as _sys

__path__ = [
    *__path__,
    *(
        portion
        for portion in (
            _os.path.join(entry, __name__) for entry in _sys.path if isinstance(entry, str)
        )
        if portion not in __path__ and _os.path.isdir(portion)
    ),
]

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dotflow.core.action import action
    from dotflow.core.config import Config
    from dotflow.core.context import Context
    from dotflow.core.task import Task, TaskError
    from dotflow.core.types import TypeExecution, TypeStatus, WorkflowStatus
    from dotflow.core.workflow import DotFlow, WorkflowRun

__all__ = [
    "Config",
    "Context",
    "DotFlow",
    "Task",
    "TaskError",
    "TypeExecution",
    "TypeStatus",
    "WorkflowRun",
    "WorkflowStatus",
    "__version__",
    "action",
]

# Public names load on first use, so `import dotflow.cli` (or any adapter) costs nothing here.
_HOMES = {
    "action": "dotflow.core.action",
    "Config": "dotflow.core.config",
    "Context": "dotflow.core.context",
    "DotFlow": "dotflow.core.workflow",
    "WorkflowRun": "dotflow.core.workflow",
    "Task": "dotflow.core.task",
    "TaskError": "dotflow.core.task",
    "TypeExecution": "dotflow.core.types",
    "TypeStatus": "dotflow.core.types",
    "WorkflowStatus": "dotflow.core.types",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("dotflow-core")
    home = _HOMES.get(name)
    if home is None:
        msg = f"module 'dotflow' has no attribute {name!r}"
        raise AttributeError(msg)
    from importlib import import_module

    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
