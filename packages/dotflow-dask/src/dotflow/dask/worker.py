"""What runs on a Dask worker: load the step, compute the task, send back the outcome.

Workers only compute (like the processes of core's ``parallel`` mode); the client applies the
outcome through the Runtime, so status events, storage and callbacks happen once, in one process.

The tasks of a group are submitted together, each depending on the one before: a task receives
its predecessor's pickled outcome from Dask and takes its previous context from it, so a group
runs from task to task on the cluster without waiting for the client. A task does not compute
(it returns :data:`SKIPPED`) when its predecessor failed and the run does not keep going, or when
the client stopped the run (:func:`stop_run`) before it started.
"""

from __future__ import annotations

import contextlib
import pickle
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import attrs

from dotflow.dask.shipping import StepPayload, load_step
from dotflow.spi.execution import Outcome, compute, dump_outcome, task_error
from dotflow.spi.model import Context, Task, TypeStatus

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["SKIPPED", "run_task", "stop_run"]

#: The result of a task that did not compute because the run stopped before it.
SKIPPED = b""

_WHERE = "the Dask worker"
_MAX_STOPPED = 1000  # runs remembered per worker; a run stops once

#: run id -> the keys that still compute after the stop (tasks the client reported started)
_stopped: OrderedDict[str, frozenset[str]] = OrderedDict()


def stop_run(run_id: str, running: list[str]) -> None:
    """Tell this worker that ``run_id`` stopped: only the tasks keyed in ``running`` compute.

    Called on every worker by the client (``client.run``) when a task fails and the run does
    not keep going.
    """
    _stopped[run_id] = frozenset(running)
    while len(_stopped) > _MAX_STOPPED:
        _stopped.popitem(last=False)


def run_task(
    step: StepPayload,
    task_id: int,
    workflow_id: str,
    group_name: str,
    initial_context: Context,
    previous: Context | bytes,
    keep_going: bool = False,
    run_id: str = "",
    retry_topic: str | None = None,
    key: str | None = None,
) -> bytes:
    """Compute one task on this worker and return its pickled :class:`Outcome`.

    Args:
        step: the step, by reference (``"module:qualname"``) or by value (cloudpickle bytes).
        task_id: the task's position in its workflow.
        workflow_id: the workflow's id.
        group_name: the task's group.
        initial_context: injected as ``initial_context``.
        previous: the previous context, or the pickled outcome of the task before in the group.
        keep_going: compute even when the task before failed (its previous context is empty).
        run_id: the run, to find out whether the client stopped it.
        retry_topic: the Dask event topic the client listens on for retries, if any.
        key: the Dask key of this task, sent with every retry event.
    """
    if run_id in _stopped and key not in _stopped[run_id]:
        return SKIPPED
    if isinstance(previous, bytes):
        if previous == SKIPPED:
            return SKIPPED
        before: Outcome = pickle.loads(previous)
        if before.failed and not keep_going:
            return SKIPPED
        previous = Context() if before.failed else before.value
    try:
        function = load_step(step)
    except Exception as error:
        failure = ImportError(
            f"the step {_describe(step)} on the Dask worker: {error}; install its "
            "module (and the modules it uses) on every worker or put its folder on the "
            "workers' PYTHONPATH, with the same Python version as the client"
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
        previous_context=previous,
    )
    outcome = compute(task, _retry_reporter(retry_topic, key))
    if not outcome.failed:
        outcome.value = _as_context(outcome.value, task_id, workflow_id)
    return dump_outcome(outcome, _WHERE)


def _as_context(value: Any, task_id: int, workflow_id: str) -> Context:
    """The context the client will store for this result (as the Runtime builds it).

    Built here so the next task of the group gets exactly the context the client records.
    """
    if isinstance(value, Context):
        if value.task_id is None or value.workflow_id is None:
            return attrs.evolve(
                value,
                task_id=task_id if value.task_id is None else value.task_id,
                workflow_id=workflow_id if value.workflow_id is None else value.workflow_id,
            )
        return value
    return Context(value, task_id, workflow_id)


def _describe(step: StepPayload) -> str:
    if isinstance(step, str):
        return f"{step!r} cannot be imported"
    return "sent by value cannot be unpickled"


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
