"""Workers that die, and steps the workers cannot import: the task fails, the run never hangs."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import dask_steps as steps
import pytest
from distributed import Client, LocalCluster

from dotflow import DotFlow, TypeStatus

pytestmark = [pytest.mark.usefixtures("dask_address"), pytest.mark.timeout(120)]


def test_a_worker_killed_by_its_task_fails_only_that_task(dask_client: Client) -> None:
    # The shared cluster reruns a task whose worker died once (allowed_failures=1): `die` kills
    # both workers it lands on, then the scheduler gives up with KilledWorker.
    workflow = DotFlow()
    workflow.task.add(step=[steps.die, steps.one], group_name="dies")
    workflow.task.add(step=[steps.one, steps.plus_one], group_name="lives")
    run = workflow.start(mode="dask", keep_going=True)
    tasks = workflow.result_task()
    assert [t.status for t in tasks] == [TypeStatus.FAILED] + [TypeStatus.COMPLETED] * 3
    assert run.status.value == "Failed"
    (error,) = tasks[0].errors
    assert error.exception == "WorkerLostError"
    assert "worker process running this task died" in error.message
    assert "allowed-failures" in error.message
    assert workflow.result_storage()[2:] == [1, 2]
    dask_client.wait_for_workers(2, timeout=60)  # the nannies restart the killed workers


def test_a_task_whose_worker_died_once_is_rerun_elsewhere(
    tmp_path: Path, dask_client: Client
) -> None:
    marker = tmp_path / "killed"
    workflow = DotFlow()
    workflow.task.add(step=steps.die_once, initial_context=str(marker), group_name="dies once")
    workflow.task.add(step=[steps.one, steps.plus_one], group_name="other")
    run = workflow.start(mode="dask")
    assert run.status.value == "Completed"
    assert workflow.result_storage() == ["survived", 1, 2]
    first = workflow.result_task()[0]
    assert marker.exists()  # the first run really killed its worker
    assert first.status is TypeStatus.COMPLETED
    assert first.current_context.storage == "survived"
    assert not first.errors
    dask_client.wait_for_workers(2, timeout=60)
    killed = int(marker.read_text())
    assert killed not in dask_client.run(os.getpid).values()  # that process is gone


def test_a_step_the_workers_cannot_import_fails_its_task(tmp_path: Path) -> None:
    # The module is importable here (its folder joins sys.path after the cluster started) but
    # not on the workers.
    (tmp_path / "client_only_steps.py").write_text(
        "from dotflow import action\n\n@action\ndef hello():\n    return 'hi'\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        import client_only_steps

        workflow = DotFlow()
        workflow.task.add(step=client_only_steps.hello, group_name="missing")
        workflow.task.add(step=steps.one, group_name="fine")
        workflow.start(mode="dask", keep_going=True)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("client_only_steps", None)
    missing, fine = workflow.result_task()
    assert fine.status is TypeStatus.COMPLETED
    assert missing.status is TypeStatus.FAILED
    (error,) = missing.errors
    assert error.exception == "ImportError"
    assert "'client_only_steps:hello' cannot be imported on the Dask worker" in error.message
    assert "PYTHONPATH" in error.message


def test_losing_the_scheduler_fails_the_running_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    # A cluster of its own (in-process workers start fast), shut down while a task runs.
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
        scheduler_kwargs={"dashboard_address": ":0"},
    )  # fmt: skip
    monkeypatch.setenv("DOTFLOW_DASK_ADDRESS", cluster.scheduler_address)
    timer = threading.Timer(1.0, cluster.close)
    timer.start()
    try:
        workflow = DotFlow()
        workflow.task.add(step=steps.nap, initial_context=3)
        run = workflow.start(mode="dask")
    finally:
        timer.join()
    (task,) = workflow.result_task()
    assert run.status.value == "Failed"
    assert task.status is TypeStatus.FAILED
    assert "Dask scheduler" in task.errors[0].message or "connection" in task.errors[0].message
