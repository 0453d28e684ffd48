"""Importing what the command line names: steps, callbacks and workflow factories."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from dotflow.cli.errors import BadInput

if TYPE_CHECKING:
    from dotflow import DotFlow

__all__ = ["cwd_importable", "load_factory", "load_object", "load_step"]


def cwd_importable() -> None:
    """Make modules in the current directory importable, as ``python -m`` does."""
    cwd = os.getcwd()
    if cwd not in sys.path and "" not in sys.path:
        sys.path.insert(0, cwd)


def load_object(path: str, what: str) -> Any:
    """Import ``path`` (``pkg.mod.attr`` or ``pkg.mod:attr``); bad paths become :class:`BadInput`.

    Args:
        path: the dotted path.
        what: what the path should name, for the error message (``"step"``, ``"callback"`` ...).
    """
    from dotflow.spi.errors import StepImportError
    from dotflow.spi.execution import import_path

    cwd_importable()
    try:
        return import_path(path)
    except StepImportError as error:
        raise BadInput(f"{what}: {error}") from error
    except Exception as error:  # the module itself raised while being imported
        raise BadInput(
            f"{what}: importing {path!r} raised {type(error).__name__}: {error}"
        ) from error


def load_step(path: str) -> Any:
    """The ``@action`` step (or class with ``@action`` methods) at ``path``."""
    from dotflow.core.exceptions import NotAnActionError
    from dotflow.spi.execution import Action, is_class_step

    step = load_object(path, "--step")
    if not isinstance(step, Action) and not (isinstance(step, type) and is_class_step(step)):
        error = NotAnActionError(step)
        raise BadInput(f"--step {path}: {error}") from error
    return step


def load_factory(path: str) -> DotFlow:
    """Call the factory at ``path`` and return the :class:`~dotflow.DotFlow` it builds."""
    from dotflow import DotFlow
    from dotflow.core.exceptions import InvalidWorkflowFactoryError

    factory = load_object(path, "--workflow")
    if isinstance(factory, DotFlow):
        raise InvalidWorkflowFactoryError(
            path,
            "is a DotFlow instance, not a factory; wrap it in a function that builds and "
            "returns the DotFlow (def main() -> DotFlow: ...)",
        )
    if not callable(factory):
        raise InvalidWorkflowFactoryError(
            path,
            f"is a {type(factory).__name__}, not callable; name a function that returns a DotFlow",
        )
    try:
        workflow = factory()
    except Exception as error:
        raise BadInput(
            f"--workflow {path}: the factory raised {type(error).__name__}: {error}"
        ) from error
    if not isinstance(workflow, DotFlow):
        raise InvalidWorkflowFactoryError(
            path,
            f"the factory returned {type(workflow).__name__}, not a DotFlow; return the "
            "workflow instead of starting it (return workflow)",
        )
    return workflow
