"""The contracts every Tracer and Metrics adapter honours, as test classes to subclass.

Usage (pytest collects the inherited ``test_*`` methods)::

    from dotflow.testing import TracerContract

    class TestMyTracer(TracerContract):
        def make_tracer(self):
            return MyTracer(...)

The suites check what the engine relies on: every hook takes the arguments the engine (and code
written for dotflow 1.0.1) passes, unbalanced calls never raise, hooks may run in several threads
at once, and a workflow gives the same results with the adapter as without it, in every built-in
mode, with no adapter error logged. What an adapter records is its own tests' business.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from dotflow.abc.metrics import Metrics
from dotflow.abc.tracer import Tracer
from dotflow.core.action import action
from dotflow.core.config import Config
from dotflow.core.task import Task, TaskError
from dotflow.core.types.status import TypeStatus, WorkflowStatus
from dotflow.core.workflow import DotFlow

__all__ = ["MetricsContract", "TracerContract"]

_FLAKY_ATTEMPTS: dict[str, int] = {}
_FLAKY_LOCK = threading.Lock()


@action
def contract_ok(previous_context: Any) -> dict[str, int]:
    """A step that succeeds."""
    return {"seen": 0 if previous_context.storage is None else 1}


@action(retry=2, retry_delay=0)
def contract_flaky(task: Task) -> str:
    """Fails its first attempt in each process and workflow, then succeeds."""
    key = f"{task.workflow_id}/{task.task_id}"
    with _FLAKY_LOCK:
        _FLAKY_ATTEMPTS[key] = _FLAKY_ATTEMPTS.get(key, 0) + 1
        attempt = _FLAKY_ATTEMPTS[key]
    if attempt == 1:
        msg = "first attempt fails"
        raise ConnectionError(msg)
    return "recovered"


@action(retry=2, retry_delay=0)
def contract_fails() -> None:
    """A step that always fails."""
    msg = "always fails"
    raise ValueError(msg)


class _AdapterErrors(logging.Handler):
    """Collects the records of adapter calls that raised (the engine logs and swallows them)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "the workflow goes on" in message:
            self.messages.append(message)


@contextmanager
def _adapter_errors() -> Iterator[list[str]]:
    handler = _AdapterErrors()
    logger = logging.getLogger("dotflow")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def _sample_task(workflow_id: str) -> Task:
    workflow = DotFlow(workflow_id=workflow_id)
    workflow.task.add(step=contract_ok, group_name="contract")
    return workflow.task.queue[0]


class _RunContract:
    """What the tracer and metrics contracts share: running workflows with the adapter."""

    #: The built-in modes a workflow is run in with the adapter configured.
    modes: ClassVar[tuple[str, ...]] = ("sequential", "sequential_group", "background", "parallel")

    def config(self) -> Config:
        raise NotImplementedError

    def _run(self, mode: str, workflow_id: str) -> list[Task]:
        workflow = DotFlow(config=self.config(), workflow_id=workflow_id)
        workflow.task.add(step=contract_ok, group_name="a")
        workflow.task.add(step=contract_flaky, group_name="a")
        workflow.task.add(step=contract_fails, group_name="b")
        workflow.task.add(step=contract_ok, group_name="b")
        run = workflow.start(mode=mode, keep_going=True)
        run.wait(60)
        assert run.done(), f"the {mode} run did not finish"
        assert run.status is WorkflowStatus.FAILED
        return run.tasks

    def test_a_workflow_runs_the_same_in_every_mode(self) -> None:
        for mode in self.modes:
            with _adapter_errors() as errors:
                # A new id each run: the flaky step counts attempts per workflow and task.
                tasks = self._run(mode, f"contract-{mode}-{uuid.uuid4().hex[:8]}")
            statuses = [task.status for task in tasks]
            assert statuses == [
                TypeStatus.COMPLETED,
                TypeStatus.COMPLETED,
                TypeStatus.FAILED,
                TypeStatus.COMPLETED,
            ], (mode, statuses)
            assert [task.retry_count for task in tasks] == [0, 1, 1, 0], mode
            assert tasks[1].current_context.storage == "recovered", mode
            assert errors == [], f"the adapter raised in {mode} mode: {errors}"

    def test_hooks_may_run_in_several_threads_at_once(self) -> None:
        workflow = DotFlow(config=self.config(), workflow_id="contract-threads")
        for group in range(8):
            for _ in range(5):
                workflow.task.add(step=contract_ok, group_name=f"g{group}")
        with _adapter_errors() as errors:
            run = workflow.start()  # several groups: one thread per group
        assert run.status is WorkflowStatus.COMPLETED
        assert errors == []


class TracerContract(_RunContract):
    """Tests every Tracer adapter must pass. Subclass and implement :meth:`make_tracer`."""

    def make_tracer(self) -> Tracer:
        raise NotImplementedError

    def config(self) -> Config:
        return Config(tracer=self.make_tracer())

    def test_config_accepts_it(self) -> None:
        tracer = self.make_tracer()
        assert Config(tracer=tracer).tracer is tracer

    def test_hooks_take_the_documented_arguments(self) -> None:
        tracer = self.make_tracer()
        task = _sample_task("contract-hooks")
        tracer.start_workflow(workflow_id="contract-hooks", mode="sequential", tasks_count=1)
        task.status = TypeStatus.IN_PROGRESS
        tracer.start_task(task)
        task.status = TypeStatus.RETRY
        tracer.retry_task(task)
        task.status, task.duration, task.retry_count = TypeStatus.FAILED, 0.25, 1
        task.errors = (
            TaskError(1, "ValueError", "first", "Traceback ..."),
            TaskError(2, "ValueError", "second", "Traceback ..."),
        )
        tracer.end_task(task)
        tracer.end_workflow(workflow_id="contract-hooks", duration=0.5, failed=True)

    def test_unbalanced_calls_do_not_raise(self) -> None:
        tracer = self.make_tracer()
        task = _sample_task("contract-unbalanced")
        task.status, task.duration = TypeStatus.COMPLETED, 0.0
        tracer.end_task(task)
        tracer.retry_task(task)
        tracer.end_workflow(workflow_id="contract-never-started", duration=0.0, failed=False)


class MetricsContract(_RunContract):
    """Tests every Metrics adapter must pass. Subclass and implement :meth:`make_metrics`."""

    def make_metrics(self) -> Metrics:
        raise NotImplementedError

    def config(self) -> Config:
        return Config(metrics=self.make_metrics())

    def test_config_accepts_it(self) -> None:
        metrics = self.make_metrics()
        assert Config(metrics=metrics).metrics is metrics

    def test_hooks_take_the_documented_arguments(self) -> None:
        metrics = self.make_metrics()
        task = _sample_task("contract-hooks")
        # Keyword and positional forms, as the engine and dotflow 1.0.1's Manager call them.
        metrics.workflow_started(workflow_id="contract-hooks", mode="sequential")
        task.status = TypeStatus.IN_PROGRESS
        metrics.task_started(task)
        task.status, task.retry_count = TypeStatus.RETRY, 1
        metrics.task_retried(task)
        task.status, task.duration = TypeStatus.COMPLETED, 0.25
        metrics.task_completed(task)
        task.status, task.errors = TypeStatus.FAILED, (TaskError(1, "ValueError", "x"),)
        metrics.task_failed(task)
        ended: tuple[Callable[[str, float], None], ...] = (
            metrics.workflow_completed,
            metrics.workflow_failed,
        )
        for hook in ended:
            hook("contract-hooks", 0.5)

    def test_unbalanced_calls_do_not_raise(self) -> None:
        metrics = self.make_metrics()
        task = _sample_task("contract-unbalanced")
        task.status, task.duration = TypeStatus.COMPLETED, 0.0
        metrics.task_completed(task)
        metrics.workflow_failed("contract-never-started", 0.0)
