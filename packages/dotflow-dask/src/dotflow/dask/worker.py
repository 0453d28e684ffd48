"""What runs on a Dask worker: import the step, compute the task, send back the outcome.

Workers only compute (like the processes of core's ``parallel`` mode); the client applies the
outcome through the Runtime, so status events, storage and callbacks happen once, in one process.
"""

from __future__ import annotations

import contextlib
import pickle
from typing import TYPE_CHECKING

from dotflow.core.attempts import Outcome, compute, task_error
from dotflow.core.imports import import_path
from dotflow.core.task import Task
from dotflow.core.types.status import TypeStatus

if TYPE_CHECKING:
    from collections.abc import Callable

    from dotflow.core.context import Context

__all__ = ["run_task"]


def run_task(
    step: str,
    task_id: int,
    workflow_id: str,
    group_name: str,
    initial_context: Context,
    previous_context: Context,
    retry_topic: str | None = None,
    key: str | None = None,
) -> bytes:
    """Compute one task on this worker and return its pickled :class:`Outcome`.

    Args:
        step: the ``"module:qualname"`` path of the step.
        task_id: the task's position in its workflow.
        workflow_id: the workflow's id.
        group_name: the task's group.
        initial_context: injected as ``initial_context``.
        previous_context: injected as ``previous_context``.
        retry_topic: the Dask event topic the client listens on for retries, if any.
        key: the Dask key of this task, sent with every retry event.
    """
    try:
        function = import_path(step)
    except Exception as error:
        failure = ImportError(
            f"the step {step!r} cannot be imported on the Dask worker: {error}; install its "
            "module on every worker or put its folder on the workers' PYTHONPATH"
        )
        failure.__traceback__ = error.__traceback__
        return _dump(Outcome(errors=[task_error(1, failure)], failed=True))
    # The worker copy has no callback: callbacks run in the client.
    task = Task(
        task_id,
        workflow_id,
        function,
        None,
        initial_context,
        group_name,
        TypeStatus.IN_PROGRESS,
        previous_context=previous_context,
    )
    return _dump(compute(task, _retry_reporter(retry_topic, key)))


def _retry_reporter(topic: str | None, key: str | None) -> Callable[[], None]:
    """A callable that tells the client, through a Dask event, that an attempt is retried."""
    if topic is None:
        return _nothing
    try:
        from distributed import get_worker

        worker = get_worker()
    except ValueError:  # not running on a worker (called directly): nobody to tell
        return _nothing

    def report() -> None:
        # A lost event costs nothing: the client reconciles the count from the outcome.
        with contextlib.suppress(Exception):
            worker.log_event(topic, key)

    return report


def _nothing() -> None:
    return None


def _dump(outcome: Outcome) -> bytes:
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:
        message = (
            f"the result ({type(outcome.value).__name__}) cannot be sent back from the Dask "
            f"worker: {error}; return picklable data"
        )
        failure = TypeError(message)
        failure.__traceback__ = error.__traceback__
        outcome.errors.append(task_error(outcome.retries + 1, failure))
        outcome.value, outcome.failed = None, True
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
