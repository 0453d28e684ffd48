"""DotFlow: build a workflow, start it, read its results."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from dotflow.abc.execution import Execution
from dotflow.core import checkpoint, registry
from dotflow.core.config import Config
from dotflow.core.engine import Runtime
from dotflow.core.guard import call_adapter
from dotflow.core.heap import frozen_heap
from dotflow.core.ids import new_workflow_id, validate_workflow_id
from dotflow.core.task import Task, TaskBuilder
from dotflow.core.types.status import TypeStatus, WorkflowStatus

if TYPE_CHECKING:
    from uuid import UUID

    from dotflow.core.context import Context
    from dotflow.core.manager import Manager
    from dotflow.core.result import WorkflowResult

__all__ = ["DotFlow", "Manager", "WorkflowRun", "execution_for"]

logger = logging.getLogger("dotflow")


def execution_for(mode: str | Execution) -> Execution:
    """The execution that runs ``mode``: ``mode`` itself when it is an ``Execution``, else a new
    instance of the adapter registered under that name in ``dotflow.execution``.

    Raises:
        ExecutionModeNotFoundError: no execution mode has that name.
    """
    if isinstance(mode, Execution):
        return mode
    execution: Execution = registry.load("execution", str(mode))()
    return execution


def _reads_previous_context(step: Any) -> bool:
    from dotflow.core.action import Action, action_methods

    if isinstance(step, Action):
        return "previous_context" in step.injected
    # A class step's later methods are chained to its earlier ones; only the first is fed the
    # previous task's context.
    methods = action_methods(step) if isinstance(step, type) else ()
    return bool(methods) and "previous_context" in methods[0][1].injected


def _warn_unchained(tasks: list[Task], mode: str) -> None:
    """Warn once when a mode that runs every task alone meets steps that read the one before."""
    firsts: dict[str, Task] = {}
    for task in tasks:
        firsts.setdefault(task.group_name, task)
    readers = [
        task
        for task in tasks
        if firsts[task.group_name] is not task and _reads_previous_context(task.step)
    ]
    if readers:
        names = ", ".join(f"task {task.task_id} {task.step_name}" for task in readers)
        logger.warning(
            "mode %r runs every task on its own at the same time, so previous_context is empty "
            "in %s, which declare it. To chain them, use mode 'sequential'; to run independent "
            "chains side by side, give each chain its own group_name and use 'sequential'.",
            mode,
            names,
        )


class WorkflowRun:
    """One run of a workflow: finished when ``start()`` returns, except in background mode."""

    def __init__(self, workflow_id: str, mode: str, tasks: list[Task]) -> None:
        self.workflow_id = workflow_id
        self.mode = mode
        self.tasks = tasks
        self.status = WorkflowStatus.IN_PROGRESS
        self.started_at = datetime.now()
        self.duration: float | None = None
        self.error: BaseException | None = None
        self._done = threading.Event()
        self._interrupt: Callable[[BaseException], None] | None = None

    def done(self) -> bool:
        """Whether the run has finished."""
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the run to finish; return ``False`` if ``timeout`` passed first.

        Re-raises an error that stopped the run itself (not a task failure).
        """
        finished = self._done.wait(timeout)
        if finished and self.error is not None:
            raise self.error
        return finished

    def interrupt(self, error: BaseException) -> None:
        """Stop this run now because of ``error`` (for example the ``KeyboardInterrupt`` of Ctrl-C).

        Tasks still running are recorded as Failed with the reason, no further task starts, and
        the run finishes at once (status Failed, ``on_failure``, notifier and server flushed).
        A step already running in another thread or process is not waited for; its result is
        ignored. Nothing happens if the run has finished.
        """
        if self._interrupt is not None and not self.done():
            self._interrupt(error)

    def result(self) -> WorkflowResult:
        """This run as a model that serialises to JSON (``run.result().to_json()``)."""
        from dotflow.core.result import WorkflowResult, make_task_result

        return WorkflowResult(
            workflow_id=self.workflow_id,
            status=self.status.value,
            mode=self.mode,
            started_at=self.started_at,
            duration=self.duration,
            tasks=[make_task_result(task) for task in self.tasks],
        )

    def __repr__(self) -> str:
        return f"<WorkflowRun {self.workflow_id} {self.mode} {self.status.value}>"


class DotFlow:
    """A workflow: tasks added with ``workflow.task.add(...)``, run with ``workflow.start()``.

    Args:
        config: the adapters to use (default: in-memory storage, no notifications, stdlib logging).
        workflow_id: a fixed id (any safe non-empty string or a UUID) so that a later run can
            resume from the checkpoints of this one; generated when omitted. A given id is taken to
            exist on the server already, so only a generated one is registered there.
        name: a label for people (``workflow.name``); the machine's host name when omitted, as
            in dotflow 1.0.1.
    """

    def __init__(
        self,
        config: Config | None = None,
        workflow_id: str | UUID | None = None,
        name: str | None = None,
    ) -> None:
        if config is None:
            config = Config()
        elif not isinstance(config, Config):
            msg = f"DotFlow(config=...) expects a dotflow.Config, got {type(config).__name__}"
            raise TypeError(msg)
        self.config = config
        if name is None:
            import platform

            name = platform.node()
        elif not isinstance(name, str):
            msg = f"DotFlow(name=...) expects a str, got {type(name).__name__}"
            raise TypeError(msg)
        self.name = name
        if workflow_id is None:
            self.workflow_id = new_workflow_id()
            self.workflow_id_given = False
            call_adapter(config.server.create_workflow, self.workflow_id)
        else:
            self.workflow_id = validate_workflow_id(workflow_id)
            self.workflow_id_given = True
        self.task = TaskBuilder(config, self.workflow_id)
        self.last_run: WorkflowRun | None = None

    def __repr__(self) -> str:
        return f"<DotFlow {self.workflow_id} tasks={self.task.count()}>"

    def start(
        self,
        mode: str | Execution = "sequential",
        keep_going: bool = False,
        on_success: Callable[..., Any] | None = None,
        on_failure: Callable[..., Any] | None = None,
        resume: bool = False,
        on_input_change: str = "reuse",
        fingerprint: str | None = None,
    ) -> WorkflowRun:
        """Run the workflow.

        Args:
            mode: ``sequential``, ``sequential_group``, ``background``, ``parallel``, any mode a
                plugin registers in ``dotflow.execution``, or a configured ``Execution`` instance
                (for example ``ExecutionDask(address=...)``).
            keep_going: run the remaining tasks after one fails.
            on_success: called as ``on_success(tasks=...)`` when every task completed.
            on_failure: called as ``on_failure(tasks=...)`` when a task failed.
            resume: skip tasks whose results the storage holds from an earlier run (needs a
                fixed ``workflow_id``).
            on_input_change: when resuming and the initial contexts changed: ``reuse`` the
                checkpoints, ``reset`` them, or ``raise``.
            fingerprint: your own version of the inputs, used instead of the computed one.
        """
        checkpoint.check_policy(on_input_change)
        execution, mode = execution_for(mode), str(mode)
        tasks = [task.fresh() for task in self.task.queue]
        if not execution.chains_context:
            _warn_unchained(tasks, mode)
        # The queue shows the latest run, as result_task() does (dotflow 1.0.1 users read it).
        self.task.queue[:] = tasks
        if self.workflow_id_given or self.last_run is not None:
            # Results may be stored under this id (by an earlier process, or an earlier run).
            resume = checkpoint.prepare(
                self.config.storage,
                self.workflow_id,
                tasks,
                resume=resume,
                policy=on_input_change,
                fingerprint=fingerprint,
            )
        else:
            resume = False  # a new generated id: nothing is stored under it
        run = WorkflowRun(self.workflow_id, mode, tasks)
        self.last_run = run
        runtime = Runtime(self.config, keep_going=keep_going, resume=resume)
        groups: dict[str, list[Task]] = {}
        for task in tasks:
            groups.setdefault(task.group_name, []).append(task)
        self._telemetry_start(mode, len(tasks))
        call_adapter(
            self.config.server.update_workflow, self.workflow_id, WorkflowStatus.IN_PROGRESS
        )
        started = time.perf_counter()
        finishing = threading.Lock()

        def finish_once(error: BaseException | None) -> None:
            if error is not None:
                runtime.interrupt(tasks, error)
            with finishing:
                if run.done():
                    return
                if error is not None:
                    run.error = error
                self._finish(run, started, on_success, on_failure)

        run._interrupt = finish_once

        def body() -> None:
            failure: BaseException | None = None
            try:
                with frozen_heap():
                    execution.run(list(groups.values()), runtime)
            except BaseException as error:
                failure = error
            finally:
                finish_once(failure)

        if execution.detached:
            threading.Thread(target=body, name=f"dotflow-{self.workflow_id}").start()
        else:
            body()
            if run.error is not None:
                raise run.error
        return run

    def _finish(
        self,
        run: WorkflowRun,
        started: float,
        on_success: Callable[..., Any] | None,
        on_failure: Callable[..., Any] | None,
    ) -> None:
        failed = run.error is not None or any(t.status is TypeStatus.FAILED for t in run.tasks)
        run.status = WorkflowStatus.FAILED if failed else WorkflowStatus.COMPLETED
        run.duration = time.perf_counter() - started
        config = self.config
        self._telemetry_end(run.duration, failed)
        call_adapter(config.server.update_workflow, self.workflow_id, run.status)
        callback = on_failure if failed else on_success
        if callback is not None:
            try:
                callback(tasks=run.tasks)
            except Exception:
                logger.exception("workflow callback %r failed", callback)
            except BaseException as interrupt:  # sys.exit() or Ctrl-C in the callback
                # Reports are flushed and the run marked done first (wait() must not hang);
                # then the exit reaches the caller: start() or wait() re-raises it.
                if run.error is None:
                    run.error = interrupt
        call_adapter(config.notify.flush)
        call_adapter(config.server.flush)
        run._done.set()

    def _telemetry_start(self, mode: str, tasks_count: int) -> None:
        # In the thread that called start(), so a tracer can parent the run on the caller's span.
        tracer, metrics, workflow_id = self.config.tracer, self.config.metrics, self.workflow_id
        # Keywords, as dotflow 1.0.1 passed them (its ports take ``workflow_id, **kwargs``).
        if not tracer.noop:
            call_adapter(
                partial(
                    tracer.start_workflow,
                    workflow_id=workflow_id,
                    mode=mode,
                    tasks_count=tasks_count,
                )
            )
        if not metrics.noop:
            call_adapter(partial(metrics.workflow_started, workflow_id=workflow_id, mode=mode))

    def _telemetry_end(self, duration: float, failed: bool) -> None:
        tracer, metrics, workflow_id = self.config.tracer, self.config.metrics, self.workflow_id
        if not tracer.noop:
            call_adapter(
                partial(
                    tracer.end_workflow, workflow_id=workflow_id, duration=duration, failed=failed
                )
            )
        if not metrics.noop:
            ended = metrics.workflow_failed if failed else metrics.workflow_completed
            call_adapter(ended, workflow_id, duration)

    def __call__(self, **kwargs: Any) -> WorkflowRun:
        """``workflow(**kwargs)`` is ``workflow.start(**kwargs)``.

        A scheduler written for dotflow 1.0.1 received a callable that runs the workflow once.
        """
        return self.start(**kwargs)

    def schedule(self, **kwargs: Any) -> None:
        """Run the workflow on the configured scheduler (``Config(scheduler=...)``).

        ``kwargs`` go to every ``start()`` (for example ``mode``, ``resume``).
        """
        self.config.scheduler.start(workflow=self, **kwargs)

    def result_task(self) -> list[Task]:
        """The tasks of the latest run (the defined tasks before any run)."""
        return self.last_run.tasks if self.last_run is not None else list(self.task.queue)

    def result_context(self) -> list[Context]:
        """The context each task produced."""
        return [task.current_context for task in self.result_task()]

    def result_storage(self) -> list[Any]:
        """The value each task returned."""
        return [task.current_context.storage for task in self.result_task()]

    def result(self) -> WorkflowResult:
        """The latest run as a model that serialises to JSON (``result().to_json()``)."""
        if self.last_run is not None:
            return self.last_run.result()
        from dotflow.core.result import WorkflowResult, make_task_result

        return WorkflowResult(
            workflow_id=self.workflow_id,
            status=WorkflowStatus.NOT_STARTED.value,
            tasks=[make_task_result(task) for task in self.task.queue],
        )


def __getattr__(name: str) -> Any:
    # dotflow 1.0.1's `from dotflow.core.workflow import Manager` (seed 004), loaded on first use.
    if name == "Manager":
        from dotflow.core.manager import Manager

        return Manager
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
