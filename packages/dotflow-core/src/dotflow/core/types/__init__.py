"""Enumerations shared by the domain and every adapter."""

from typing import TYPE_CHECKING, Any

from dotflow.core.types.execution import TypeExecution
from dotflow.core.types.status import TypeStatus, WorkflowStatus

if TYPE_CHECKING:
    from dotflow.core.types.input_change import VALID_POLICIES, TypeInputChange
    from dotflow.core.types.overlap import TypeOverlap
    from dotflow.core.types.storage import TypeStorage

__all__ = [
    "VALID_POLICIES",
    "TypeExecution",
    "TypeInputChange",
    "TypeOverlap",
    "TypeStatus",
    "TypeStorage",
    "WorkflowStatus",
]

# Names a workflow run never needs load on first use, so `from dotflow import DotFlow` pays nothing.
_LAZY = {
    "VALID_POLICIES": "dotflow.core.types.input_change",
    "TypeInputChange": "dotflow.core.types.input_change",
    "TypeOverlap": "dotflow.core.types.overlap",
    "TypeStorage": "dotflow.core.types.storage",
}


def __getattr__(name: str) -> Any:
    home = _LAZY.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    from importlib import import_module

    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
