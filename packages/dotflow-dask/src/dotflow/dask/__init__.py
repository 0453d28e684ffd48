"""Run dotflow workflows on a Dask cluster: ``workflow.start(mode="dask")``."""

from dotflow.dask.errors import (
    DaskConnectionError,
    StepNotImportableError,
    StepNotSerializableError,
    WorkerLostError,
)
from dotflow.dask.execution import ADDRESS_ENV, ExecutionDask

__all__ = [
    "ADDRESS_ENV",
    "DaskConnectionError",
    "ExecutionDask",
    "StepNotImportableError",
    "StepNotSerializableError",
    "WorkerLostError",
]
