"""The Runtime: everything that happens around a task's computation.

Checkpoint restore, status changes (to notify, log and server, in that order, then tracer and
metrics), storing the result, the task callback and the keep-going rule live here, so every
execution mode shares them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from dotflow.core.attempts import Outcome, compute, task_error
from dotflow.core.context import Context
from dotflow.core.guard import call_adapter
from dotflow.core.task import TaskError
from dotflow.core.types.status import TypeStatus

if TYPE_CHECKING:
    from collections.abc import Callable

    from dotflow.core.config import Config
    from dotflow.core.task import Task

__all__ = ["Runtime"]

logger = logging.getLogger("dotflow")

_COMPLETED = TypeStatus.COMPLETED
_FAILED = TypeStatus.FAILED
_RETRY = TypeStatus.RETRY
_IN_PROGRESS = TypeStatus.IN_PROGRESS
_UNFINISHED = frozenset({_IN_PROGRESS, _RETRY})


class Runtime:
    """Runs the lifecycle of the tasks of one workflow run.

    Args:
        config: the workflow's adapters.
        keep_going: run the remaining tasks after a failure.
        resume: skip tasks whose result the storage already holds.
    """

    def __init__(self, config: Config, keep_going: bool = False, resume: bool = False) -> None:
        self.config = config
        self.keep_going = keep_going
        self.resume = resume
        self.stopped = threading.Event()
        #: What stopped the run from outside its steps (Ctrl-C), once :meth:`interrupt` ran.
        self.interrupted: BaseException | None = None
        self._cut: set[int] = set()  # id() of the tasks interrupt() stopped
        self._lock = threading.Lock()
        # Adapters marked ``noop`` (the default notifier, a default server without a backend) do
        # nothing: calling them for every status change of every task would only cost time, so
        # they are left out once, here. (getattr: Config also takes duck-typed adapters.)
        notify, server = config.notify, config.server
        self._notify: Callable[[Task], None] | None = (
            None if getattr(notify, "noop", False) else notify.send
        )
        self._server: Callable[[Task], None] | None = (
            None if getattr(server, "noop", False) else server.update_task
        )
        self._log_info = config.log.info
        self._log_error = config.log.error
        self._log_warning = config.log.warning
        self._storage = config.storage
        self._observers = _observers(config)
        #: ``transition(task, status)``: set ``task``'s status and tell notify, log and server, in
        #: that order, then the tracer and metrics adapters. Chosen once, so that a run without
        #: telemetry pays nothing for it per status change.
        self.transition: Callable[[Task, TypeStatus], None] = (
            self._observed if self._observers else self._report
        )

    def _observed(self, task: Task, status: TypeStatus) -> None:
        self._report(task, status)
        for hook in self._observers[status]:
            call_adapter(hook, task)

    def _report(self, task: Task, status: TypeStatus) -> None:
        task.status = status
        if self._notify is not None:
            call_adapter(self._notify, task)
        if status is _FAILED:
            call_adapter(self._log_error, task)
        elif status is _RETRY:
            call_adapter(self._log_warning, task)
        else:
            call_adapter(self._log_info, task)
        if self._server is not None:
            call_adapter(self._server, task)

    def restore(self, task: Task) -> bool:
        """With ``resume``, mark ``task`` Completed from its checkpoint if one exists."""
        if not self.resume:
            return False
        stored = self._storage.get(self._storage.key(task))
        if stored is None:
            return False
        task.current_context = stored
        task.duration = 0.0
        self._report(task, _COMPLETED)  # it did not run: no span or metrics
        return True

    def begin(self, task: Task, previous: Context) -> None:
        """Mark ``task`` In progress with ``previous`` as its previous context."""
        task.previous_context = previous
        self.transition(task, _IN_PROGRESS)

    def finish(self, task: Task, outcome: Outcome) -> None:
        """Apply ``outcome``: store the result, set the final status, call the task callback."""
        if self.interrupted is not None and id(task) in self._cut:
            # interrupt() already recorded this task as Failed; a step that kept running in
            # another thread must not turn it back into Completed after the fact.
            return
        if outcome.errors:
            task.errors = (*task.errors, *outcome.errors)
        task.retry_count = outcome.retries
        task.duration = outcome.duration
        failed = outcome.failed
        if not failed:
            value = outcome.value
            if isinstance(value, Context):
                context = value
                if context.task_id is None or context.workflow_id is None:
                    # A copy: the returned context may be shared (another task's, NO_CONTEXT).
                    context = attrs.evolve(
                        value,
                        task_id=task.task_id if value.task_id is None else value.task_id,
                        workflow_id=task.workflow_id
                        if value.workflow_id is None
                        else value.workflow_id,
                    )
            else:
                context = Context(value, task.task_id, task.workflow_id)
            task.current_context = context
            try:
                self._storage.post(self._storage.key(task), context)
            except Exception as error:
                task.errors = (*task.errors, task_error(outcome.retries + 1, error))
                failed = True
        self.transition(task, _FAILED if failed else _COMPLETED)
        if failed and not self.keep_going:
            self.stopped.set()
        if task.callback is not None:
            try:
                task.callback(task=task)
            except Exception:
                logger.exception("callback of task %s failed; the workflow goes on", task.task_id)

    def fail(self, task: Task, error: BaseException) -> None:
        """Finish ``task`` as Failed with ``error`` (for errors outside the step itself)."""
        self.finish(task, Outcome(errors=[task_error(1, error)], failed=True))

    def interrupt(self, tasks: list[Task], error: BaseException) -> list[Task]:
        """Stop the run because of ``error`` (Ctrl-C, SIGTERM) raised outside the steps.

        Every task of ``tasks`` still In progress (or waiting to retry) becomes Failed, with the
        reason as its last error, and goes to notify, log and server; no task starts after this.

        Returns:
            The tasks that were stopped.
        """
        with self._lock:
            if self.interrupted is not None:
                return []
            self.interrupted = error
        self.stopped.set()
        reason = str(error) or "the run was interrupted (Ctrl-C or SIGINT) before the task finished"
        stopped = [task for task in tasks if task.status in _UNFINISHED]
        self._cut.update(id(task) for task in stopped)
        for task in stopped:
            attempt = task.retry_count + 1
            record = TaskError(attempt, type(error).__name__, reason, "")
            task.errors = (*task.errors, record)
            self.transition(task, _FAILED)
        return stopped

    def run_task(self, task: Task, previous: Context) -> Context:
        """Run one task in this thread and return its context."""
        if self.restore(task):
            return task.current_context
        self.begin(task, previous)
        earlier = task.errors
        outcome = Outcome()

        def retry() -> None:
            # The Retry event carries the failed attempts so far (the reason for the retry);
            # finish() records them for good.
            task.errors = (*earlier, *outcome.errors)
            self.transition(task, _RETRY)

        compute(task, retry, outcome)
        task.errors = earlier
        self.finish(task, outcome)
        if outcome.interrupt is not None:
            # The task is Failed and reported; now the exit goes on to the caller of start().
            self.stopped.set()
            raise outcome.interrupt
        return task.current_context

    def run_chain(self, tasks: list[Task]) -> None:
        """Run ``tasks`` in order, each fed the previous one's context, until done or stopped."""
        previous = Context()
        for task in tasks:
            if self.stopped.is_set():
                return
            previous = self.run_task(task, previous)
            if self.interrupted is not None:
                return


def _observers(config: Config) -> dict[TypeStatus, tuple[Callable[[Task], Any], ...]]:
    """The tracer and metrics hooks per status; empty when both adapters are no-ops."""
    tracer, metrics = config.tracer, config.metrics
    pairs = {
        _IN_PROGRESS: (tracer.start_task, metrics.task_started),
        _RETRY: (tracer.retry_task, metrics.task_retried),
        _COMPLETED: (tracer.end_task, metrics.task_completed),
        _FAILED: (tracer.end_task, metrics.task_failed),
    }
    active = (not tracer.noop, not metrics.noop)
    if not any(active):
        return {}
    hooks = {
        status: tuple(hook for hook, on in zip(pair, active, strict=True) if on)
        for status, pair in pairs.items()
    }
    # Statuses no hook listens to (Not started, Paused) map to nothing.
    return {status: hooks.get(status, ()) for status in TypeStatus}
