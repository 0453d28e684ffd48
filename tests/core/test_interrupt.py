"""``WorkflowRun.interrupt``: stop a run from outside, as the CLI does on Ctrl-C."""

from __future__ import annotations

import threading

import pytest

from dotflow import Config, DotFlow, TypeStatus, WorkflowStatus, action
from dotflow.abc import Notify

release = threading.Event()
started = threading.Event()


@action
def first() -> int:
    return 1


@action
def blocks() -> str:
    started.set()
    release.wait(60)
    return "late"


@action
def never() -> str:
    return "never"


class Seen(Notify):
    def __init__(self) -> None:
        self.events: list[tuple[int, str]] = []
        self.flushed = 0

    def send(self, task) -> None:  # type: ignore[no-untyped-def]
        self.events.append((task.task_id, task.status.value))

    def flush(self, timeout: float | None = None) -> bool:
        self.flushed += 1
        return True


@pytest.fixture(autouse=True)
def _reset() -> None:
    release.clear()
    started.clear()


def test_interrupting_a_background_run_records_the_running_task() -> None:
    seen = Seen()
    failures: list[list[int]] = []
    workflow = DotFlow(config=Config(notify=seen))
    workflow.task.add(step=[first, blocks, never])
    run = workflow.start(
        mode="background",
        on_failure=lambda tasks: failures.append([t.task_id for t in tasks]),
    )
    assert started.wait(30)
    run.interrupt(KeyboardInterrupt())
    assert run.done() and run.status is WorkflowStatus.FAILED
    tasks = run.tasks
    assert [t.status for t in tasks] == [
        TypeStatus.COMPLETED,
        TypeStatus.FAILED,
        TypeStatus.NOT_STARTED,
    ]
    (error,) = tasks[1].errors
    assert error.exception == "KeyboardInterrupt" and "interrupted" in error.message
    assert failures == [[1, 2, 3]] and seen.flushed == 1
    with pytest.raises(KeyboardInterrupt):
        run.wait(0)

    # The blocked step ends later: its result is ignored and no other task starts.
    release.set()
    for thread in threading.enumerate():
        if thread.name == f"dotflow-{workflow.workflow_id}":
            thread.join(30)
    assert [t.status for t in tasks] == [
        TypeStatus.COMPLETED,
        TypeStatus.FAILED,
        TypeStatus.NOT_STARTED,
    ]
    assert (2, "Completed") not in seen.events and seen.flushed == 1
    run.interrupt(KeyboardInterrupt())  # a finished run: nothing happens
    assert seen.flushed == 1


def test_a_keyboard_interrupt_inside_a_sequential_run_is_recorded() -> None:
    @action
    def ctrl_c() -> None:
        raise KeyboardInterrupt

    workflow = DotFlow()
    workflow.task.add(step=[first, ctrl_c, never])
    with pytest.raises(KeyboardInterrupt):
        workflow.start()
    run = workflow.last_run
    assert run is not None and run.status is WorkflowStatus.FAILED
    assert [t.status.value for t in run.tasks] == ["Completed", "Failed", "Not started"]
    assert run.tasks[1].errors[-1].exception == "KeyboardInterrupt"
