"""Tasks: one step of a workflow with its state, and the builder that adds them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from dotflow.core.action import Action, is_class_step
from dotflow.core.context import Context
from dotflow.core.exceptions import NotAnActionError, NotCallableError
from dotflow.core.guard import call_adapter
from dotflow.core.imports import import_path
from dotflow.core.types.status import TypeStatus

if TYPE_CHECKING:
    from dotflow.core.config import Config
    from dotflow.core.result import WorkflowSchema

__all__ = ["NO_CONTEXT", "Task", "TaskBuilder", "TaskError"]


@attrs.define(frozen=True)
class TaskError:
    """One failed attempt: its number, the exception type and message, and the traceback."""

    attempt: int
    exception: str
    message: str
    traceback: str = ""


#: The context of a task that has not produced one (``storage`` is ``None``). Do not mutate it.
NO_CONTEXT = Context()


def _step_name(step: Any) -> str:
    return getattr(step, "__qualname__", None) or type(step).__name__


@attrs.define(eq=False)
class Task:
    """A step of a workflow and what happened when it ran.

    ``task_id`` is the task's position (1, 2, 3 ...), so a rebuilt workflow with the same
    ``workflow_id`` finds its checkpoints.
    """

    task_id: int
    workflow_id: str
    step: Any
    callback: Callable[..., Any] | None = None
    initial_context: Context = attrs.Factory(Context)
    group_name: str = "default"
    status: TypeStatus = TypeStatus.NOT_STARTED
    # A tuple: one entry per failed attempt; the empty tuple costs nothing per task.
    errors: tuple[TaskError, ...] = ()
    duration: float | None = None
    retry_count: int = 0
    # Tasks that have not run share one empty context instead of allocating two each.
    current_context: Context = NO_CONTEXT
    previous_context: Context = NO_CONTEXT

    @property
    def step_name(self) -> str:
        """The qualified name of the step."""
        return _step_name(self.step)

    def fresh(self) -> Task:
        """A copy of this task's definition, in the Not started state, for a new run."""
        return Task(
            self.task_id,
            self.workflow_id,
            self.step,
            self.callback,
            self.initial_context,
            self.group_name,
        )

    def result(self, max_size: int | None = None) -> dict[str, Any]:
        """The task as a JSON-ready dict (the payload servers receive).

        Args:
            max_size: cap in bytes for the serialised contexts; a context over the cap is
                replaced by ``{"truncated": true, "size": N}``.
        """
        from dotflow.core.result import task_result

        return task_result(self, max_size=max_size)


class TaskBuilder:
    """``workflow.task``: adds steps to a workflow and inspects them."""

    def __init__(self, config: Config, workflow_id: str) -> None:
        self.config = config
        self.workflow_id = workflow_id
        self.queue: list[Task] = []

    def add(
        self,
        step: Any,
        callback: Callable[..., Any] | str | None = None,
        initial_context: Any = None,
        group_name: str = "default",
    ) -> TaskBuilder:
        """Add a step (or a list of steps) to the workflow.

        Args:
            step: an ``@action`` function, a class with ``@action`` methods, a
                ``"pkg.mod.func"`` / ``"pkg.mod:func"`` path, or a list of those.
            callback: called as ``callback(task=task)`` when the task finishes (or a path to it).
            initial_context: any value, given to the step as ``initial_context.storage``.
            group_name: tasks of one group run in order; different groups run in parallel.
        """
        if isinstance(step, list | tuple):
            for item in step:
                self.add(item, callback, initial_context, group_name)
            return self
        if isinstance(step, str):
            step = import_path(step)
        if not isinstance(step, Action) and not (isinstance(step, type) and is_class_step(step)):
            raise NotAnActionError(step)
        if isinstance(callback, str):
            callback = import_path(callback)
        if callback is not None and not callable(callback):
            raise NotCallableError(callback)
        if not isinstance(group_name, str) or not group_name:
            msg = f"group_name must be a non-empty str, got {group_name!r}"
            raise ValueError(msg)
        task_id = len(self.queue) + 1
        if isinstance(initial_context, Context):
            context = attrs.evolve(initial_context, task_id=task_id, workflow_id=self.workflow_id)
        else:
            context = Context(initial_context, task_id, self.workflow_id)
        task = Task(task_id, self.workflow_id, step, callback, context, group_name)
        self.queue.append(task)
        call_adapter(self.config.server.create_task, task)
        return self

    def count(self) -> int:
        """The number of tasks."""
        return len(self.queue)

    def clear(self) -> None:
        """Remove every task."""
        self.queue.clear()

    def reverse(self) -> None:
        """Reverse the order of execution; task ids follow the new positions."""
        self.queue.reverse()
        self._renumber()

    def _renumber(self) -> None:
        for position, task in enumerate(self.queue, start=1):
            task.task_id = position
            task.initial_context = attrs.evolve(task.initial_context, task_id=position)

    def schema(self) -> WorkflowSchema:
        """A JSON-ready description of the workflow's tasks (a ``dict``, with ``model_dump()``)."""
        from dotflow.core.result import WorkflowSchema

        schema = {
            "workflow_id": self.workflow_id,
            "tasks": [
                {
                    "task_id": task.task_id,
                    "step": task.step_name,
                    "callback": None if task.callback is None else _step_name(task.callback),
                    "group_name": task.group_name,
                    "initial_context": json.loads(
                        json.dumps(task.initial_context.storage, default=repr)
                    ),
                }
                for task in self.queue
            ],
        }
        return WorkflowSchema(schema)
