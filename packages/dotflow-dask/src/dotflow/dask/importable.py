"""Whether a step can be imported by name on a worker, and why not."""

from __future__ import annotations

from typing import Any

from dotflow.spi.errors import StepImportError
from dotflow.spi.execution import import_path

__all__ = ["reference_or_reason"]


def reference_or_reason(step: Any) -> tuple[str | None, str]:
    """The ``"module:qualname"`` path workers can import ``step`` by, or why there is none.

    Args:
        step: an ``@action`` function or a class with ``@action`` methods.

    Returns:
        ``(reference, "")`` when importing ``reference`` here gives back ``step`` itself;
        ``(None, reason)`` for a lambda, a closure, a step of ``__main__`` (a script or a
        notebook) or one whose module attribute names another object.
    """
    module = getattr(step, "__module__", None)
    qualname = getattr(step, "__qualname__", None)
    if not module or not qualname:
        return None, "it has no module and qualified name"
    if "<lambda>" in qualname:
        return None, "it is a lambda"
    if "<locals>" in qualname:
        return None, "it is defined inside a function (a closure)"
    if module == "__main__":
        return None, "it is defined in the __main__ script or notebook, which workers do not run"
    reference = f"{module}:{qualname}"
    try:
        found = import_path(reference)
    except StepImportError as error:
        return None, f"importing {reference!r} fails here ({error})"
    if found is not step:
        return None, f"the name {reference!r} refers to another object than this step"
    return reference, ""
