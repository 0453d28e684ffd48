"""``Manager`` (seed 004, dotflow 1.0.1): runs a list of tasks when it is constructed.

A thin adapter over :meth:`DotFlow.start`: it puts the tasks in a ``DotFlow`` and starts it, so
both go through the one engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from dotflow.core.task import Task
from dotflow.core.types.execution import TypeExecution

if TYPE_CHECKING:
    from uuid import UUID

    from dotflow.abc.execution import Execution
    from dotflow.core.config import Config
    from dotflow.core.workflow import WorkflowRun

__all__ = ["Manager"]


class Manager:
    """Run ``tasks`` now, as ``DotFlow.start()`` does.

    Args:
        tasks: the tasks to run (``workflow.task.queue``, or ``Task`` objects built by hand).
        on_success: called as ``on_success(tasks=...)`` when every task completed.
        on_failure: called as ``on_failure(tasks=...)`` when a task failed.
        mode: an execution mode name, or an ``Execution`` instance.
        keep_going: run the remaining tasks after one fails.
        workflow_id: the run's workflow id; by default the tasks' own (when they share one),
            else a new one.
        resume: skip tasks whose results the storage holds from an earlier run.
        on_input_change: ``reuse``, ``reset`` or ``raise`` when resuming with changed inputs.
        fingerprint: your own version of the inputs, used instead of the computed one.
        config: the adapters (default: ``Config()``, in-memory storage).

    Attributes:
        tasks: the tasks of this run (in ``background`` mode they finish later: ``wait()``).
        workflow_id: the run's workflow id.
        started: when the run started.
        on_success: the success callback.
        on_failure: the failure callback.
        run: the :class:`~dotflow.WorkflowRun` handle.
    """

    def __init__(
        self,
        tasks: Iterable[Task],
        on_success: Callable[..., Any] | None = None,
        on_failure: Callable[..., Any] | None = None,
        mode: str | Execution = TypeExecution.SEQUENTIAL,
        keep_going: bool = False,
        workflow_id: str | UUID | None = None,
        resume: bool = False,
        on_input_change: str = "reuse",
        fingerprint: str | None = None,
        config: Config | None = None,
    ) -> None:
        from dotflow.core.workflow import DotFlow

        queue = tasks if isinstance(tasks, list) else list(tasks)
        for task in queue:
            if not isinstance(task, Task):
                msg = (
                    f"Manager(tasks=...) expects dotflow Task objects, got {type(task).__name__}; "
                    "add steps with workflow.task.add(step=...) and pass workflow.task.queue"
                )
                raise TypeError(msg)
        if workflow_id is None:
            ids = {task.workflow_id for task in queue}
            workflow_id = ids.pop() if len(ids) == 1 else None
        self.on_success = on_success
        self.on_failure = on_failure
        self.mode = mode
        workflow = DotFlow(config=config, workflow_id=workflow_id)
        wid = workflow.workflow_id
        # Results and checkpoints are keyed by each task's workflow id: the tasks join this run's.
        queue[:] = [
            task
            if task.workflow_id == wid
            else attrs.evolve(
                task,
                workflow_id=wid,
                initial_context=attrs.evolve(task.initial_context, workflow_id=wid),
            )
            for task in queue
        ]
        # The given list is the workflow's queue, so after the run it holds the run's tasks.
        workflow.task.queue = queue
        self.config = workflow.config
        self.workflow_id = wid
        self.started = datetime.now()
        self.run: WorkflowRun = workflow.start(
            mode=mode,
            keep_going=keep_going,
            on_success=on_success,
            on_failure=on_failure,
            resume=resume,
            on_input_change=on_input_change,
            fingerprint=fingerprint,
        )
        self.tasks: list[Task] = self.run.tasks

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a ``background`` run; see :meth:`WorkflowRun.wait`."""
        return self.run.wait(timeout)

    def __repr__(self) -> str:
        return f"<Manager {self.workflow_id} {self.run.status.value}>"
