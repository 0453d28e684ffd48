"""What runs on a Dask worker: import the step, compute the task, send back the outcome.

Workers only compute (like the processes of core's ``parallel`` mode); the client applies the
outcome through the Runtime, so status events, storage and callbacks happen once, in one process.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from dotflow.core.attempts import Outcome, compute, task_error
from dotflow.core.execution.transfer import dump_outcome
from dotflow.core.imports import import_path
from dotflow.core.task import Task
from dotflow.core.types.status import TypeStatus

if TYPE_CHECKING:
    from collections.abc import Callable

    from dotflow.core.context import Context

__all__ = ["run_task"]

_WHERE = "the Dask worker"


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
        return dump_outcome(Outcome(errors=[task_error(1, failure)], failed=True), _WHERE)
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
    return dump_outcome(compute(task, _retry_reporter(retry_topic, key)), _WHERE)


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
