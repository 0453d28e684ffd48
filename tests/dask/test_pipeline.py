"""Groups are submitted as whole chains; the client still reports them as sequential mode does."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import dask_steps as steps
import pytest
from dask_recorders import RecordingNotify
from distributed import Client

from dotflow import Config, DotFlow, TypeStatus

pytestmark = [pytest.mark.usefixtures("dask_address"), pytest.mark.timeout(180)]


def test_a_chain_reports_events_in_sequential_order() -> None:
    events = []
    for mode in ("sequential", "dask"):
        notify = RecordingNotify()
        workflow = DotFlow(config=Config(notify=notify))
        workflow.task.add(step=[steps.one, steps.plus_one, steps.explicit_context, steps.plus_one])
        workflow.start(mode=mode)
        assert workflow.result_storage() == [1, 2, 3, 4]
        tasks = workflow.result_task()
        assert [t.previous_context.storage for t in tasks] == [None, 1, 2, 3]
        assert all(t.current_context.task_id == t.task_id for t in tasks)
        assert all(t.current_context.workflow_id == workflow.workflow_id for t in tasks)
        events.append(notify.events)
    assert events[1] == events[0]
    assert events[0][:3] == [(1, "In progress"), (1, "Completed"), (2, "In progress")]


def test_a_context_that_cannot_be_sent_fails_its_tasks_only() -> None:
    workflow = DotFlow()
    workflow.task.add(step=[steps.echo, steps.one], initial_context=threading.Lock())
    workflow.task.add(step=steps.one, group_name="other")
    run = workflow.start(mode="dask", keep_going=True)
    first, second, other = workflow.result_task()
    assert run.status.value == "Failed"
    for task in (first, second):  # both carry the lock as their initial context
        assert task.status is TypeStatus.FAILED
        message = task.errors[0].message
        assert message.startswith("this task cannot be sent to the Dask workers (TypeError:")
        assert "cannot pickle '_thread.lock' object" in message
        assert "must be picklable data" in message
    assert other.status is TypeStatus.COMPLETED


def test_a_failure_lets_running_tasks_finish_and_starts_nothing_more(
    dask_client: Client, tmp_path: Path
) -> None:
    # The other group's first task waits until every worker has heard that the run stopped:
    # it was reported In progress, so it still computes; what follows it never starts.
    flag = tmp_path / "stopped"
    before = {run for runs in dask_client.run(steps.stopped_runs).values() for run in runs}

    def release_when_stopped() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            heard = dask_client.run(steps.stopped_runs).values()
            if heard and all(set(runs) - before for runs in heard):
                flag.write_text("stopped")
                return
            time.sleep(0.05)

    watcher = threading.Thread(target=release_when_stopped)
    watcher.start()
    notify = RecordingNotify()
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(step=steps.boom, group_name="fails")
    workflow.task.add(step=steps.wait_for_file, initial_context=str(flag), group_name="long")
    workflow.task.add(step=[steps.one, steps.plus_one], group_name="long")
    try:
        run = workflow.start(mode="dask")
    finally:
        watcher.join()
    assert run.status.value == "Failed"
    statuses = [t.status for t in workflow.result_task()]
    assert statuses == [
        TypeStatus.FAILED,
        TypeStatus.COMPLETED,
        TypeStatus.NOT_STARTED,
        TypeStatus.NOT_STARTED,
    ]
    assert workflow.result_storage()[1] == "stopped"
    by_task = notify.by_task()
    assert by_task[2] == ["In progress", "Completed"]
    assert 3 not in by_task and 4 not in by_task
