from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from core_steps import always_fails, one  # type: ignore[import-not-found]

from dotflow import Config, DotFlow, TypeStatus, WorkflowStatus, action
from dotflow.abc import Metrics, Tracer
from dotflow.core import registry
from dotflow.providers import MetricsDefault, StorageFile, TracerDefault
from dotflow.testing import MetricsContract, TracerContract

_ATTEMPTS: dict[str, int] = {}


@action(retry=3, retry_delay=0)
def flaky_twice(task):
    key = f"{task.workflow_id}/{task.task_id}"
    _ATTEMPTS[key] = _ATTEMPTS.get(key, 0) + 1
    if _ATTEMPTS[key] < 3:
        raise ConnectionError(f"attempt {_ATTEMPTS[key]}")
    return "third time"


class Recorder(Tracer, Metrics):
    """One object playing tracer and metrics, recording every call in order."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.threads: dict[str, int] = {}
        self.lock = threading.Lock()

    def _add(self, *call) -> None:
        with self.lock:
            self.calls.append(call)

    def start_workflow(self, workflow_id, mode, tasks_count):
        self.threads["start_workflow"] = threading.get_ident()
        self._add("start_workflow", workflow_id, mode, tasks_count)

    def end_workflow(self, workflow_id, duration, failed):
        assert duration >= 0
        self._add("end_workflow", workflow_id, failed)

    def start_task(self, task):
        self._add("start_task", task.task_id, task.status)

    def retry_task(self, task):
        self._add("retry_task", task.task_id, task.status)

    def end_task(self, task):
        self._add("end_task", task.task_id, task.status, task.retry_count, len(task.errors))

    def workflow_started(self, workflow_id, mode):
        self._add("workflow_started", workflow_id, mode)

    def workflow_completed(self, workflow_id, duration):
        self._add("workflow_completed", workflow_id)

    def workflow_failed(self, workflow_id, duration):
        self._add("workflow_failed", workflow_id)

    def task_started(self, task):
        self._add("task_started", task.task_id)

    def task_retried(self, task):
        self._add("task_retried", task.task_id)

    def task_completed(self, task):
        self._add("task_completed", task.task_id, task.duration is not None)

    def task_failed(self, task):
        self._add("task_failed", task.task_id, task.errors[-1].exception)


class TestRecorderAsTracer(TracerContract):
    def make_tracer(self) -> Tracer:
        return Recorder()


class TestRecorderAsMetrics(MetricsContract):
    def make_metrics(self) -> Metrics:
        return Recorder()


class TestDefaultsHonourTheContracts(TracerContract, MetricsContract):
    def make_tracer(self) -> Tracer:
        return TracerDefault()

    def make_metrics(self) -> Metrics:
        return MetricsDefault()

    def config(self) -> Config:
        return Config(tracer=self.make_tracer(), metrics=self.make_metrics())


@pytest.mark.parametrize("mode", ["sequential", "sequential_group", "background", "parallel"])
def test_every_run_and_task_reaches_tracer_and_metrics_in_order(mode: str) -> None:
    recorder = Recorder()
    workflow = DotFlow(config=Config(tracer=recorder, metrics=recorder), workflow_id=f"tel-{mode}")
    workflow.task.add(step=one)
    workflow.task.add(step=flaky_twice)
    workflow.task.add(step=always_fails)
    run = workflow.start(mode=mode, keep_going=True)
    run.wait(60)
    calls = recorder.calls
    assert calls[:2] == [
        ("start_workflow", f"tel-{mode}", mode, 3),
        ("workflow_started", f"tel-{mode}", mode),
    ]
    assert calls[-2:] == [("end_workflow", f"tel-{mode}", True), ("workflow_failed", f"tel-{mode}")]
    per_task = {tid: [c for c in calls[2:-2] if c[1] == tid] for tid in (1, 2, 3)}
    assert per_task[1] == [
        ("start_task", 1, TypeStatus.IN_PROGRESS),
        ("task_started", 1),
        ("end_task", 1, TypeStatus.COMPLETED, 0, 0),
        ("task_completed", 1, True),
    ]
    assert per_task[2] == [
        ("start_task", 2, TypeStatus.IN_PROGRESS),
        ("task_started", 2),
        ("retry_task", 2, TypeStatus.RETRY),
        ("task_retried", 2),
        ("retry_task", 2, TypeStatus.RETRY),
        ("task_retried", 2),
        ("end_task", 2, TypeStatus.COMPLETED, 2, 2),
        ("task_completed", 2, True),
    ]
    assert per_task[3] == [
        ("start_task", 3, TypeStatus.IN_PROGRESS),
        ("task_started", 3),
        ("retry_task", 3, TypeStatus.RETRY),
        ("task_retried", 3),
        ("retry_task", 3, TypeStatus.RETRY),
        ("task_retried", 3),
        ("end_task", 3, TypeStatus.FAILED, 2, 3),
        ("task_failed", 3, "ValueError"),
    ]


def test_workflow_hooks_run_in_the_thread_that_called_start() -> None:
    recorder = Recorder()
    workflow = DotFlow(config=Config(tracer=recorder))
    workflow.task.add(step=one)
    workflow.start(mode="background").wait(30)
    assert recorder.threads["start_workflow"] == threading.get_ident()


def test_a_completed_run_reports_success() -> None:
    recorder = Recorder()
    workflow = DotFlow(config=Config(metrics=recorder, tracer=recorder), workflow_id="ok")
    workflow.task.add(step=one)
    assert workflow.start().status is WorkflowStatus.COMPLETED
    assert ("end_workflow", "ok", False) in recorder.calls
    assert ("workflow_completed", "ok") in recorder.calls


def test_restored_tasks_did_not_run_and_get_no_task_hooks(tmp_path: Path) -> None:
    def build(recorder: Recorder) -> DotFlow:
        config = Config(storage=StorageFile(path=str(tmp_path)), tracer=recorder)
        workflow = DotFlow(config=config, workflow_id="restored")
        workflow.task.add(step=one)
        workflow.task.add(step=always_fails)
        return workflow

    build(Recorder()).start(keep_going=True)
    recorder = Recorder()
    build(recorder).start(resume=True, keep_going=True)
    task_calls = [c for c in recorder.calls if c[0].endswith("_task")]
    assert {c[1] for c in task_calls} == {2}  # task 1 came from its checkpoint
    assert [c[0] for c in task_calls][::3] == ["start_task", "end_task"]


class Broken(Tracer, Metrics):
    def __getattribute__(self, name: str):
        if name in {"noop", "__class__", "__dict__"} or name.startswith("__"):
            return object.__getattribute__(self, name)

        def fail(*args, **kwargs):
            raise RuntimeError(f"{name} is broken")

        return fail

    start_workflow = end_workflow = start_task = end_task = None  # type: ignore[assignment]
    workflow_started = workflow_completed = workflow_failed = None  # type: ignore[assignment]
    task_started = task_completed = task_failed = None  # type: ignore[assignment]


def test_failing_telemetry_never_fails_the_run(caplog: pytest.LogCaptureFixture) -> None:
    broken = Broken()
    workflow = DotFlow(config=Config(tracer=broken, metrics=broken))
    workflow.task.add(step=one)
    with caplog.at_level(logging.ERROR, logger="dotflow"):
        run = workflow.start()
    assert run.status is WorkflowStatus.COMPLETED
    assert "start_task is broken" in caplog.text
    assert "end_workflow is broken" in caplog.text


def test_no_op_adapters_are_never_called() -> None:
    class Silent(TracerDefault):
        def start_task(self, task):
            raise AssertionError("a no-op tracer was called")

    class Quiet(MetricsDefault):
        def workflow_started(self, workflow_id, mode):
            raise AssertionError("no-op metrics were called")

    workflow = DotFlow(config=Config(tracer=Silent(), metrics=Quiet()))
    workflow.task.add(step=one)
    assert workflow.start().status is WorkflowStatus.COMPLETED


def test_config_names_what_a_tracer_needs() -> None:
    with pytest.raises(TypeError, match=r"Config\(tracer=...\): expected a Tracer"):
        Config(tracer=object())
    with pytest.raises(TypeError, match="pass an instance: metrics=MetricsDefault"):
        Config(metrics=MetricsDefault)


def test_defaults_are_registered_like_any_adapter() -> None:
    assert registry.load("tracer", "default") is TracerDefault
    assert registry.load("metrics", "default") is MetricsDefault
    assert registry.install_hint("tracer", "otel") == (
        ": otel is provided by dotflow-otel (pip install dotflow-otel)"
    )


def test_a_tracer_and_metrics_written_for_dotflow_101_are_called() -> None:
    # As dotflow 1.0.1's docs showed custom adapters: keyword-only workflow hooks, no
    # retry_task / task_started.
    calls: list[tuple] = []

    class MyTracer(Tracer):
        def start_workflow(self, workflow_id, **kwargs):
            calls.append(("start_workflow", kwargs["mode"], kwargs["tasks_count"]))

        def end_workflow(self, workflow_id, **kwargs):
            calls.append(("end_workflow", kwargs["failed"]))

        def start_task(self, task):
            calls.append(("start_task", task.task_id))

        def end_task(self, task):
            calls.append(("end_task", task.task_id))

    class MyMetrics(Metrics):
        def workflow_started(self, workflow_id, **kwargs):
            calls.append(("workflow_started", kwargs["mode"]))

        def workflow_completed(self, workflow_id, duration):
            calls.append(("workflow_completed",))

        def workflow_failed(self, workflow_id, duration):
            calls.append(("workflow_failed",))

        def task_completed(self, task):
            calls.append(("task_completed", task.task_id))

        def task_failed(self, task):
            calls.append(("task_failed", task.task_id))

        def task_retried(self, task):
            calls.append(("task_retried", task.task_id))

    workflow = DotFlow(config=Config(tracer=MyTracer(), metrics=MyMetrics()))
    workflow.task.add(step=one)
    assert workflow.start().status is WorkflowStatus.COMPLETED
    assert calls == [
        ("start_workflow", "sequential", 1),
        ("workflow_started", "sequential"),
        ("start_task", 1),
        ("end_task", 1),
        ("task_completed", 1),
        ("end_workflow", False),
        ("workflow_completed",),
    ]
