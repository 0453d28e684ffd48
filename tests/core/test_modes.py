from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from core_steps import (  # type: ignore[import-not-found]
    always_fails,
    exits_hard,
    killed_by_signal,
    one,
    pid,
    ten_megabytes,
    unpicklable,
)

from dotflow import DotFlow, TypeStatus, WorkflowStatus, action
from dotflow.core.exceptions import ExecutionModeNotFoundError


def test_groups_run_at_the_same_time_in_sequential_mode() -> None:
    barrier = threading.Barrier(2, timeout=20)
    order: list[str] = []

    @action
    def meet(initial_context):
        barrier.wait()  # only returns if both groups are running at once
        order.append(initial_context.storage)
        return initial_context.storage

    @action
    def after(previous_context):
        return previous_context.storage + "!"

    workflow = DotFlow()
    workflow.task.add(step=meet, initial_context="a", group_name="a")
    workflow.task.add(step=after, group_name="a")
    workflow.task.add(step=meet, initial_context="b", group_name="b")
    workflow.task.add(step=after, group_name="b")
    workflow.start()
    assert workflow.result_storage() == ["a", "a!", "b", "b!"]


def test_sequential_group_runs_groups_one_after_another() -> None:
    events: list[str] = []

    @action
    def log(initial_context):
        events.append(f"start {initial_context.storage}")
        time.sleep(0.01)
        events.append(f"end {initial_context.storage}")

    workflow = DotFlow()
    workflow.task.add(step=log, initial_context="x1", group_name="x")
    workflow.task.add(step=log, initial_context="y1", group_name="y")
    workflow.task.add(step=log, initial_context="x2", group_name="x")
    workflow.start(mode="sequential_group")
    assert events == ["start x1", "end x1", "start x2", "end x2", "start y1", "end y1"]


def test_keep_going_false_stops_at_the_first_failure() -> None:
    workflow = DotFlow()
    workflow.task.add(step=[one, always_fails, one])
    run = workflow.start()
    statuses = [t.status for t in workflow.result_task()]
    assert statuses == [TypeStatus.COMPLETED, TypeStatus.FAILED, TypeStatus.NOT_STARTED]
    assert run.status is WorkflowStatus.FAILED


def test_keep_going_true_runs_the_rest() -> None:
    workflow = DotFlow()
    workflow.task.add(step=[one, always_fails, one])
    workflow.start(keep_going=True)
    assert [t.status for t in workflow.result_task()] == [
        TypeStatus.COMPLETED,
        TypeStatus.FAILED,
        TypeStatus.COMPLETED,
    ]


def test_background_returns_at_once_and_can_be_waited_on() -> None:
    release = threading.Event()

    @action
    def blocked():
        assert release.wait(20)
        return "released"

    workflow = DotFlow()
    workflow.task.add(step=blocked)
    run = workflow.start(mode="background")
    assert not run.done()
    assert workflow.result_task()[0].status is TypeStatus.IN_PROGRESS
    release.set()
    assert run.wait(20)
    assert run.status is WorkflowStatus.COMPLETED
    assert workflow.result_storage() == ["released"]


def test_background_run_finishes_after_the_main_thread_ends(tmp_path: Path) -> None:
    marker = tmp_path / "finished.txt"
    script = tmp_path / "bg.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import time
            from dotflow import DotFlow, action

            @action
            def slow():
                time.sleep(0.5)
                open({str(marker)!r}, "w").write("done")

            workflow = DotFlow()
            workflow.task.add(step=slow)
            workflow.start(mode="background")
            print("main thread ends")
            """
        )
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "done"


def test_parallel_runs_each_task_in_its_own_process_at_once(tmp_path: Path) -> None:
    count = 4

    @action
    def rendezvous(initial_context):
        # Each worker announces itself, then waits until every worker has: this only returns if
        # all of them run at the same time.
        (tmp_path / f"{initial_context.storage}.here").write_text(str(os.getpid()))
        deadline = time.monotonic() + 30
        while len(list(tmp_path.glob("*.here"))) < count:
            assert time.monotonic() < deadline, "workers did not run concurrently"
            time.sleep(0.01)
        return os.getpid()

    workflow = DotFlow()
    for i in range(count):
        workflow.task.add(step=rendezvous, initial_context=i)
    workflow.start(mode="parallel")
    pids = workflow.result_storage()
    assert all(t.status is TypeStatus.COMPLETED for t in workflow.result_task())
    assert len(set(pids)) == count and os.getpid() not in pids


def test_parallel_brings_back_large_results() -> None:
    workflow = DotFlow()
    workflow.task.add(step=[ten_megabytes, pid])
    workflow.start(mode="parallel")
    big, worker_pid = workflow.result_storage()
    assert big == "x" * (10 * 1024 * 1024)
    assert worker_pid != os.getpid()


@pytest.mark.parametrize(
    ("step", "fragment"),
    [(exits_hard, "exited with code 7"), (killed_by_signal, "killed by signal SIGKILL")],
)
def test_a_dead_worker_fails_its_task_and_the_run_finishes(step, fragment: str) -> None:
    workflow = DotFlow()
    workflow.task.add(step=[step, one])
    run = workflow.start(mode="parallel", keep_going=True)
    dead, fine = workflow.result_task()
    assert dead.status is TypeStatus.FAILED
    assert dead.errors[-1].exception == "WorkerDiedError"
    assert fragment in dead.errors[-1].message
    assert fine.status is TypeStatus.COMPLETED
    assert run.status is WorkflowStatus.FAILED


def test_parallel_retries_and_unpicklable_results_are_reported() -> None:
    workflow = DotFlow()
    workflow.task.add(step=[always_fails, unpicklable])
    workflow.start(mode="parallel", keep_going=True)
    retried, unsent = workflow.result_task()
    assert retried.retry_count == 2 and len(retried.errors) == 3
    assert unsent.status is TypeStatus.FAILED
    assert "cannot be sent back from the worker" in unsent.errors[-1].message


def test_parallel_callbacks_run_in_the_caller_process() -> None:
    seen: list[tuple[int, int]] = []

    def callback(task):
        seen.append((task.task_id, os.getpid()))

    workflow = DotFlow()
    workflow.task.add(step=[one, one], callback=callback)
    workflow.start(mode="parallel")
    assert sorted(seen) == [(1, os.getpid()), (2, os.getpid())]


def test_unknown_mode_suggests_the_closest() -> None:
    workflow = DotFlow()
    workflow.task.add(step=one)
    with pytest.raises(ExecutionModeNotFoundError, match="did you mean 'parallel'"):
        workflow.start(mode="paralel")
    assert workflow.result_task()[0].status is TypeStatus.NOT_STARTED


def test_a_configured_execution_instance_is_accepted() -> None:
    from dotflow.core.execution import SequentialGroup

    workflow = DotFlow()
    workflow.task.add(step=one)
    run = workflow.start(mode=SequentialGroup())
    assert run.mode == "SequentialGroup" and workflow.result_storage() == [1]

    class Named(SequentialGroup):
        name = "named"

    assert workflow.start(mode=Named()).mode == "named"
