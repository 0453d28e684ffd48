from __future__ import annotations

import logging
import threading

import pytest
from core_steps import always_fails, one  # type: ignore[import-not-found]

from dotflow import Config, DotFlow, TypeStatus, WorkflowStatus
from dotflow.abc import Log, Notify, Server


class Recorder(Notify, Log, Server):
    """One object playing notify, log and server, recording every call in order."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.lock = threading.Lock()

    def _add(self, *call) -> None:
        with self.lock:
            self.calls.append(call)

    def send(self, task):
        self._add("notify", task.task_id, task.status)

    def info(self, task):
        self._add("log", task.task_id, task.status)

    def error(self, task):
        self._add("log.error", task.task_id, task.status)

    def create_workflow(self, workflow):
        self._add("create_workflow", workflow)

    def update_workflow(self, workflow, status):
        self._add("update_workflow", workflow, status)

    def create_task(self, task):
        self._add("create_task", task.task_id)

    def update_task(self, task):
        self._add("update_task", task.task_id, task.status)


def config_for(recorder: Recorder) -> Config:
    return Config(notify=recorder, log=recorder, server=recorder)


def test_every_transition_reaches_notify_log_server_in_order() -> None:
    recorder = Recorder()
    workflow = DotFlow(config=config_for(recorder))
    workflow.task.add(step=one)
    workflow.start()
    wid = workflow.workflow_id
    assert recorder.calls == [
        ("create_workflow", wid),
        ("create_task", 1),
        ("update_workflow", wid, WorkflowStatus.IN_PROGRESS),
        ("notify", 1, TypeStatus.IN_PROGRESS),
        ("log", 1, TypeStatus.IN_PROGRESS),
        ("update_task", 1, TypeStatus.IN_PROGRESS),
        ("notify", 1, TypeStatus.COMPLETED),
        ("log", 1, TypeStatus.COMPLETED),
        ("update_task", 1, TypeStatus.COMPLETED),
        ("update_workflow", wid, WorkflowStatus.COMPLETED),
    ]


def test_retries_and_failures_are_reported() -> None:
    recorder = Recorder()
    workflow = DotFlow(config=config_for(recorder), workflow_id="given-id")
    workflow.task.add(step=always_fails)
    workflow.start()
    statuses = [c[2] for c in recorder.calls if c[0] == "update_task"]
    assert statuses == [
        TypeStatus.IN_PROGRESS,
        TypeStatus.RETRY,
        TypeStatus.RETRY,
        TypeStatus.FAILED,
    ]
    assert ("log.error", 1, TypeStatus.FAILED) in recorder.calls
    assert not any(c[0] == "create_workflow" for c in recorder.calls)  # the id came from outside
    assert recorder.calls[-1] == ("update_workflow", "given-id", WorkflowStatus.FAILED)


@pytest.mark.parametrize("mode", ["sequential", "sequential_group", "background", "parallel"])
def test_each_event_is_sent_once_in_every_mode(mode: str) -> None:
    recorder = Recorder()
    workflow = DotFlow(config=config_for(recorder))
    workflow.task.add(step=[one, one, one])
    workflow.start(mode=mode).wait(60)
    updates = sorted((c[1], c[2].value) for c in recorder.calls if c[0] == "update_task")
    assert updates == sorted(
        (task_id, status) for task_id in (1, 2, 3) for status in ("In progress", "Completed")
    )


def test_failing_adapters_never_fail_the_task(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(Notify, Server):
        def send(self, task):
            raise RuntimeError("notify is down")

        def create_workflow(self, workflow):
            raise RuntimeError("server is down")

        update_workflow = create_task = update_task = create_workflow

    broken = Broken()
    with caplog.at_level(logging.ERROR, logger="dotflow"):
        workflow = DotFlow(config=Config(notify=broken, server=broken))
        workflow.task.add(step=one)
        run = workflow.start()
    assert run.status is WorkflowStatus.COMPLETED
    assert workflow.result_storage() == [1]
    assert "notify is down" in caplog.text and "server is down" in caplog.text


def test_callbacks_that_raise_are_logged_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    def bad_callback(task):
        raise RuntimeError("callback bug")

    def bad_success(tasks):
        raise RuntimeError("success bug")

    with caplog.at_level(logging.ERROR, logger="dotflow"):
        workflow = DotFlow()
        workflow.task.add(step=[one, one], callback=bad_callback)
        run = workflow.start(on_success=bad_success)
    assert run.status is WorkflowStatus.COMPLETED
    assert workflow.result_storage() == [1, 1]
    assert "callback bug" in caplog.text and "success bug" in caplog.text


def test_on_success_and_on_failure_get_the_tasks() -> None:
    got = {}

    def success(tasks):
        got["success"] = [t.task_id for t in tasks]

    def failure(tasks):
        got["failure"] = [t.status for t in tasks]

    workflow = DotFlow()
    workflow.task.add(step=one)
    workflow.start(on_success=success, on_failure=failure)
    workflow.task.add(step=always_fails)
    workflow.start(on_success=success, on_failure=failure)
    assert got == {"success": [1], "failure": [TypeStatus.COMPLETED, TypeStatus.FAILED]}


def test_flush_is_called_before_start_returns() -> None:
    flushed = []

    class Slow(Server):
        def create_workflow(self, workflow): ...
        def update_workflow(self, workflow, status): ...
        def create_task(self, task): ...
        def update_task(self, task): ...
        def flush(self, timeout=None):
            flushed.append(True)

    workflow = DotFlow(config=Config(server=Slow()))
    workflow.task.add(step=one)
    workflow.start()
    assert flushed == [True]


def test_ports_flush_by_default_reports_nothing_pending() -> None:
    from dotflow.providers import NotifyDefault, ServerDefault

    assert NotifyDefault().flush() is True
    assert ServerDefault().flush(timeout=0) is True


def test_config_rejects_what_is_not_an_adapter() -> None:
    from dotflow.providers import StorageFile

    with pytest.raises(TypeError, match="pass an instance: storage=StorageFile"):
        Config(storage=StorageFile)
    with pytest.raises(TypeError, match="expected a Notify"):
        Config(notify="telegram")
