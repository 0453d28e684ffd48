"""Checking, before anything is submitted, that a step can be imported by name on a worker."""

from __future__ import annotations

from typing import Any

from dotflow.core.exceptions import StepImportError
from dotflow.core.imports import import_path
from dotflow.dask.errors import StepNotImportableError

__all__ = ["step_reference"]


def step_reference(step: Any) -> str:
    """The ``"module:qualname"`` path workers import ``step`` by.

    Args:
        step: an ``@action`` function or a class with ``@action`` methods.

    Raises:
        StepNotImportableError: ``step`` is a lambda, a closure, defined in ``__main__``, or not
            reachable under its own name.
    """
    module = getattr(step, "__module__", None)
    qualname = getattr(step, "__qualname__", None)
    if not module or not qualname:
        raise StepNotImportableError(step, "it has no module and qualified name")
    if "<lambda>" in qualname:
        raise StepNotImportableError(step, "it is a lambda")
    if "<locals>" in qualname:
        raise StepNotImportableError(step, "it is defined inside a function (a closure)")
    if module == "__main__":
        raise StepNotImportableError(
            step, "it is defined in the __main__ script, which the workers do not run"
        )
    reference = f"{module}:{qualname}"
    try:
        found = import_path(reference)
    except StepImportError as error:
        raise StepNotImportableError(
            step, f"importing {reference!r} fails here ({error})"
        ) from None
    if found is not step:
        raise StepNotImportableError(
            step, f"the name {reference!r} refers to another object than this step"
        )
    return reference
