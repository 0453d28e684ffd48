"""mode="dask" runs like the local modes: results, statuses, errors, retries, events, callbacks."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import dask_steps as steps
import pytest
from dask_recorders import RecordingNotify, RecordingServer

from dotflow import Config, DotFlow, TypeStatus, WorkflowStatus

pytestmark = [pytest.mark.usefixtures("dask_address"), pytest.mark.timeout(120)]

COMPLETED = TypeStatus.COMPLETED
FAILED = TypeStatus.FAILED


def test_a_chain_runs_in_order_on_the_workers() -> None:
    workflow = DotFlow()
    workflow.task.add(step=[steps.one, steps.plus_one, steps.plus_one, steps.where])
    run = workflow.start(mode="dask")
    assert run.status is WorkflowStatus.COMPLETED
    assert workflow.result_storage()[:3] == [1, 2, 3]
    assert workflow.result_storage()[3] != os.getpid()  # computed in a worker process
    tasks = workflow.result_task()
    assert [t.status for t in tasks] == [COMPLETED] * 4
    assert [t.previous_context.storage for t in tasks[:3]] == [None, 1, 2]
    assert all(t.duration is not None and t.duration >= 0 for t in tasks)
    assert [t.current_context.task_id for t in tasks] == [1, 2, 3, 4]


def test_groups_run_at_the_same_time(tmp_path: Path) -> None:
    # The first group waits for a file only the second group creates: it can only finish if
    # the two groups run at the same time, on the two workers.
    flag = str(tmp_path / "flag")
    workflow = DotFlow()
    workflow.task.add(step=steps.wait_for_file, initial_context=flag, group_name="waits")
    workflow.task.add(step=steps.one, group_name="waits")
    workflow.task.add(step=steps.touch_file, initial_context=flag, group_name="touches")
    workflow.start(mode="dask")
    assert [t.status for t in workflow.result_task()] == [COMPLETED] * 3
    assert workflow.result_storage()[0] == "hello from the other group"


def _workflow(notify: RecordingNotify, server: RecordingServer, tmp_path: Path) -> DotFlow:
    workflow = DotFlow(config=Config(notify=notify, server=server))
    workflow.task.add(step=[steps.one, steps.plus_one, steps.async_step], group_name="chain")
    workflow.task.add(step=steps.Pipeline, group_name="class")
    workflow.task.add(step=steps.always_fails, group_name="fails")
    workflow.task.add(step=steps.echo, initial_context={"k": [1, 2]}, group_name="fails")
    workflow.task.add(step=steps.fails_twice, initial_context=str(tmp_path / "n"), group_name="r")
    workflow.task.add(step=steps.too_slow, group_name="slow")
    return workflow


def _summary(workflow: DotFlow) -> list[tuple]:
    return [
        (
            t.task_id,
            t.status,
            t.current_context.storage,
            t.previous_context.storage,
            t.retry_count,
            [(e.attempt, e.exception, e.message) for e in t.errors],
        )
        for t in workflow.result_task()
    ]


def test_results_errors_and_events_match_sequential_mode(tmp_path: Path) -> None:
    local = (RecordingNotify(), RecordingServer())
    expected = _workflow(*local, tmp_path / "local")
    (tmp_path / "local").mkdir()
    expected.start(mode="sequential", keep_going=True)

    remote = (RecordingNotify(), RecordingServer())
    (tmp_path / "dask").mkdir()
    workflow = _workflow(*remote, tmp_path / "dask")
    run = workflow.start(mode="dask", keep_going=True)

    assert run.status is WorkflowStatus.FAILED
    assert _summary(workflow) == _summary(expected)
    assert remote[0].by_task() == local[0].by_task()
    assert sorted(remote[1].tasks) == sorted(local[1].tasks)
    assert remote[1].workflows == local[1].workflows == ["In progress", "Failed"]
    # the spot checks that the comparison is about something
    by_task = remote[0].by_task()
    assert by_task[5] == ["In progress", "Retry", "Retry", "Failed"]  # always_fails
    assert by_task[7] == ["In progress", "Retry", "Retry", "Completed"]  # fails_twice
    assert by_task[8] == ["In progress", "Retry", "Failed"]  # too_slow
    tasks = workflow.result_task()
    assert tasks[2].current_context.storage == "async after 2"
    assert tasks[3].current_context.storage == 6  # Pipeline: extract, then total
    assert [e.exception for e in tasks[7].errors] == ["TaskTimeoutError"] * 2
    assert "Traceback" in tasks[4].errors[0].traceback


def test_every_event_comes_from_the_calling_thread(notify: RecordingNotify) -> None:
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(step=[steps.one, steps.plus_one], group_name="a")
    workflow.task.add(step=steps.always_fails, group_name="b")
    workflow.start(mode="dask", keep_going=True)
    assert notify.origins == {(os.getpid(), threading.current_thread().name)}
    assert len(notify.events) == 2 * 2 + 4


def test_a_failure_stops_the_run_unless_keep_going() -> None:
    workflow = DotFlow()
    workflow.task.add(step=[steps.boom, steps.one])
    workflow.start(mode="dask")
    assert [t.status for t in workflow.result_task()] == [FAILED, TypeStatus.NOT_STARTED]
    error = workflow.result_task()[0].errors[0]
    assert (error.attempt, error.exception, error.message) == (1, "ValueError", "boom")

    workflow.start(mode="dask", keep_going=True)
    assert [t.status for t in workflow.result_task()] == [FAILED, COMPLETED]


def test_callbacks_run_in_the_client_with_the_finished_task() -> None:
    seen: list[tuple[int, int, TypeStatus]] = []
    outcome: dict[str, list[int]] = {}
    workflow = DotFlow()
    # A closure as callback is fine: callbacks never travel to the workers.
    workflow.task.add(
        step=[steps.one, steps.plus_one],
        callback=lambda task: seen.append((os.getpid(), task.task_id, task.status)),
    )
    workflow.start(
        mode="dask",
        on_success=lambda tasks: outcome.setdefault("success", [t.task_id for t in tasks]),
        on_failure=lambda tasks: outcome.setdefault("failure", [t.task_id for t in tasks]),
    )
    assert seen == [(os.getpid(), 1, COMPLETED), (os.getpid(), 2, COMPLETED)]
    assert outcome == {"success": [1, 2]}


def test_a_failing_callback_does_not_stop_the_run() -> None:
    def broken(task) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("callback broke")

    workflow = DotFlow()
    workflow.task.add(step=[steps.one, steps.plus_one], callback=broken)
    failures: list[int] = []
    run = workflow.start(mode="dask", on_failure=lambda tasks: failures.append(len(tasks)))
    assert run.status is WorkflowStatus.COMPLETED
    assert workflow.result_storage() == [1, 2]
    assert failures == []


def test_large_results_come_back_whole() -> None:
    workflow = DotFlow()
    workflow.task.add(step=steps.big)
    workflow.start(mode="dask")
    assert workflow.result_storage() == ["x" * 5_000_000]


def test_a_result_that_cannot_leave_the_worker_fails_its_task() -> None:
    workflow = DotFlow()
    workflow.task.add(step=steps.unpicklable_result)
    workflow.start(mode="dask")
    task = workflow.result_task()[0]
    assert task.status is FAILED
    assert task.errors[-1].exception == "TypeError"
    assert "cannot be sent back from the Dask worker" in task.errors[-1].message


def test_the_registry_builds_the_mode_from_the_environment() -> None:
    from dotflow.core import registry

    execution = registry.load("execution", "dask")()
    assert execution.address == os.environ["DOTFLOW_DASK_ADDRESS"]
    assert not execution.detached
