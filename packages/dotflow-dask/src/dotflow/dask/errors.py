"""Errors of the Dask execution mode. Each names what went wrong and how to fix it."""

from __future__ import annotations

from typing import Any

from dotflow.spi.errors import DotflowError

__all__ = [
    "DaskConnectionError",
    "StepNotImportableError",
    "StepNotSerializableError",
    "WorkerLostError",
]


class StepNotSerializableError(DotflowError, TypeError):
    """A step that can neither be imported by name on the workers nor serialised by value."""

    def __init__(self, step: Any, not_importable: str, not_serializable: str) -> None:
        self.step = step
        self.not_importable = not_importable
        self.not_serializable = not_serializable
        name = getattr(step, "__qualname__", None) or type(step).__name__
        super().__init__(
            f"step {name!r} cannot be sent to the Dask workers: it cannot be imported by name "
            f"({not_importable}) and cloudpickle cannot serialise it ({not_serializable}). "
            "Keep what the step captures serialisable (open files, locks and connections are "
            "not: create them inside the step), or define the step at the top level of a module "
            "that every worker can import (for example steps.py next to your script)"
        )


#: The name this error had when only importable steps could run on Dask.
StepNotImportableError = StepNotSerializableError


class WorkerLostError(DotflowError, RuntimeError):
    """The Dask workers running a task died (the scheduler raised ``KilledWorker``)."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(
            f"the Dask worker process running this task died before returning a result ({detail}). "
            "A step that exits its process, crashes the interpreter or runs out of memory kills "
            "its worker; the scheduler reruns such a task on another worker up to "
            "distributed.scheduler.allowed-failures times, then gives up"
        )


class DaskConnectionError(DotflowError, ConnectionError):
    """The Dask scheduler cannot be reached (or a local cluster cannot be started)."""

    def __init__(self, address: str | None, reason: str) -> None:
        self.address = address
        if address is None:
            message = f"cannot start a local Dask cluster: {reason}"
        else:
            message = (
                f"cannot connect to the Dask scheduler at {address!r}: {reason}; check that the "
                "scheduler is running and the address (DOTFLOW_DASK_ADDRESS or --dask-address, "
                "e.g. tcp://127.0.0.1:8786) is right"
            )
        super().__init__(message)
