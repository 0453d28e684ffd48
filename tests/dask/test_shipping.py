"""Steps travel by reference when importable, by value (cloudpickle) otherwise.

Only a step that can be neither imported by name nor serialised is refused, before anything is
submitted. The scripts run as ``__main__`` in a subprocess against the session's cluster, whose
workers have never seen them: their steps can only arrive by value.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import dask_steps as steps
import pytest
from dask_recorders import RecordingNotify

from dotflow import Config, Context, DotFlow, TypeStatus, action
from dotflow.core.engine import Runtime
from dotflow.dask import (
    DaskConnectionError,
    ExecutionDask,
    StepNotImportableError,
    StepNotSerializableError,
)
from dotflow.dask.importable import reference_or_reason
from dotflow.dask.shipping import load_step, step_payload

pytestmark = pytest.mark.timeout(180)

# Nothing listens here: a test that reached the cluster would fail with a connection error.
NOWHERE = "tcp://127.0.0.1:9"
COMPLETED = TypeStatus.COMPLETED


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DOTFLOW_DASK_ADDRESS", "PYTHONPATH")}
    return {**env, **extra}


# -- by reference or by value -----------------------------------------------------------------


def test_importable_steps_travel_by_reference() -> None:
    assert step_payload(steps.one) == "dask_steps:one"
    assert step_payload(steps.Pipeline) == "dask_steps:Pipeline"
    assert load_step("dask_steps:one") is steps.one


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: action(lambda: 1), "it is a lambda"),
        (lambda: _closure(), "defined inside a function (a closure)"),
        (lambda: action(steps.one.func), "refers to another object than this step"),
    ],
    ids=["lambda", "closure", "twin"],
)
def test_other_steps_travel_by_value(make, reason: str) -> None:  # type: ignore[no-untyped-def]
    step = make()
    assert reason in reference_or_reason(step)[1]
    payload = step_payload(step)
    assert isinstance(payload, bytes)
    copy = load_step(payload)
    assert copy is not step
    assert copy.func() == step.func()
    assert (copy.retry, copy.timeout) == (step.retry, step.timeout)


def _closure() -> object:
    base = 41

    @action(retry=2, timeout=5)
    def inner() -> int:
        return base + 1

    return inner


def test_closures_lambdas_and_class_steps_run_on_the_workers(dask_address: str) -> None:
    offset = 100
    seen = []

    @action(retry=3, retry_delay=0)
    def add_offset(previous_context: Context) -> int:
        seen.append("copied, not shared")  # the worker's copy of `seen`, not this one
        return previous_context.storage + offset

    class Local:  # a class-based step defined in a function, methods in source order
        @action
        def first(self) -> list[int]:
            return [offset, 1]

        @action
        def second(self, previous_context: Context) -> int:
            return sum(previous_context.storage)

    notify = RecordingNotify()
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(
        step=[steps.one, add_offset, action(lambda previous_context: -previous_context.storage)]
    )
    workflow.task.add(step=Local, group_name="class")
    workflow.task.add(step=action(steps.where.func), group_name="twin")
    run = workflow.start(mode="dask")
    assert run.status.value == "Completed", [t.errors for t in workflow.result_task()]
    assert workflow.result_storage()[:4] == [1, 101, -101, 101]
    assert workflow.result_storage()[4] != os.getpid()  # computed in a worker process
    assert seen == []
    assert notify.by_task()[2] == ["In progress", "Completed"]


def test_retries_of_a_closure_are_reported(dask_address: str, tmp_path: Path) -> None:
    counter = tmp_path / "attempts"

    @action(retry=3, retry_delay=0)
    def flaky() -> str:
        done = int(counter.read_text()) if counter.exists() else 0
        counter.write_text(str(done + 1))
        if done < 2:
            raise ConnectionError(f"attempt {done + 1}")
        return "ok"

    notify = RecordingNotify()
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(step=flaky)
    workflow.start(mode="dask")
    assert notify.by_task()[1] == ["In progress", "Retry", "Retry", "Completed"]
    assert workflow.result_task()[0].retry_count == 2


# -- refused: neither importable nor serialisable ---------------------------------------------


def test_a_step_that_cannot_be_serialised_is_refused_before_anything_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOTFLOW_DASK_ADDRESS", NOWHERE)
    lock = threading.Lock()

    @action
    def guarded() -> int:
        with lock:
            return 1

    notify = RecordingNotify()
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(step=steps.one)
    workflow.task.add(step=guarded)
    with pytest.raises(StepNotSerializableError) as caught:
        workflow.start(mode="dask")
    message = str(caught.value)
    assert "step 'test_a_step_that_cannot_be_serialised_is_refused_before_anything_runs" in message
    assert "cannot be imported by name (it is defined inside a function (a closure))" in message
    assert "cloudpickle cannot serialise it (TypeError: cannot pickle '_thread.lock'" in message
    assert "create them inside the step" in message
    assert caught.value.step is guarded
    assert isinstance(caught.value, StepNotImportableError)  # the former name still catches it
    assert isinstance(caught.value, TypeError)
    assert notify.events == []  # nothing started, no connection tried (NOWHERE would time out)
    assert [t.status for t in workflow.result_task()] == [TypeStatus.NOT_STARTED] * 2


# -- __main__: a script, and code without a file (as in a notebook) ---------------------------

SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    from dotflow import Context, DotFlow, action

    FACTOR = 3

    def helper(value):
        return value * FACTOR

    @action
    def start():
        return 2

    @action(retry=2, retry_delay=0)
    def triple(previous_context: Context):
        return helper(previous_context.storage)

    class Report:
        @action
        def rows(self, previous_context: Context):
            return [previous_context.storage, FACTOR]

        @action
        def total(self, previous_context: Context):
            return sum(previous_context.storage)

    def make_adder(n):
        @action
        def add(previous_context: Context):
            return previous_context.storage + n
        return add

    @action
    def where():
        return os.getpid()

    if __name__ == "__main__":
        workflow = DotFlow()
        workflow.task.add(step=[start, triple, Report, make_adder(10)])
        workflow.task.add(step=action(lambda: "lambda ran"), group_name="lambda")
        workflow.task.add(step=where, group_name="where")
        run = workflow.start(mode="dask")
        values = workflow.result_storage()
        print(json.dumps({
            "status": run.status.value,
            "values": values[:-1],
            "elsewhere": values[-1] != os.getpid(),
            "errors": [e.message for t in workflow.result_task() for e in t.errors],
        }))
    """
)


def _check_main_output(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        "status": "Completed",
        "values": [2, 6, 9, 19, "lambda ran"],
        "elsewhere": True,
        "errors": [],
    }


def test_steps_of_a_script_run_as_main(dask_address: str, tmp_path: Path) -> None:
    script = tmp_path / "pipeline.py"
    script.write_text(SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=150,
        cwd=tmp_path,
        env=_env(DOTFLOW_DASK_ADDRESS=dask_address),
    )
    _check_main_output(done)


def test_steps_of_code_without_a_file_as_in_a_notebook(dask_address: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=150,
        cwd=tmp_path,
        env=_env(DOTFLOW_DASK_ADDRESS=dask_address),
    )
    _check_main_output(done)


def test_a_main_step_that_cannot_be_serialised_is_refused(tmp_path: Path) -> None:
    script = tmp_path / "pipeline.py"
    script.write_text(
        textwrap.dedent(
            """
            import socket
            from dotflow import DotFlow, action

            CONNECTION = socket.socket()

            @action
            def hello():
                return CONNECTION.fileno()

            if __name__ == "__main__":
                workflow = DotFlow()
                workflow.task.add(step=hello)
                workflow.start(mode="dask")
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=_env(DOTFLOW_DASK_ADDRESS=NOWHERE),
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("dotflow.dask.errors.StepNotSerializableError: step 'hello'")
    assert "defined in the __main__ script or notebook" in last
    assert "cannot pickle 'socket' object" in last


# -- connecting -------------------------------------------------------------------------------


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    execution = ExecutionDask(address=NOWHERE, timeout=1)
    workflow = DotFlow()
    workflow.task.add(step=steps.one)
    tasks = [task.fresh() for task in workflow.task.queue]
    with pytest.raises(DaskConnectionError) as caught:
        execution.run([tasks], Runtime(workflow.config))
    assert f"cannot connect to the Dask scheduler at '{NOWHERE}'" in str(caught.value)
    assert "DOTFLOW_DASK_ADDRESS" in str(caught.value)
    assert tasks[0].status is TypeStatus.NOT_STARTED


def test_the_address_comes_from_the_argument_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOTFLOW_DASK_ADDRESS", " tcp://10.0.0.1:8786 ")
    assert ExecutionDask().address == "tcp://10.0.0.1:8786"
    assert ExecutionDask("tcp://127.0.0.1:8786").address == "tcp://127.0.0.1:8786"
    monkeypatch.setenv("DOTFLOW_DASK_ADDRESS", "")
    assert ExecutionDask().address is None  # a local cluster
    monkeypatch.delenv("DOTFLOW_DASK_ADDRESS")
    assert ExecutionDask().address is None


def test_contradictory_settings_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOTFLOW_DASK_ADDRESS", raising=False)
    with pytest.raises(ValueError, match="leave out address, n_workers and threads_per_worker"):
        ExecutionDask("tcp://127.0.0.1:8786", client=object())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"the scheduler at 'tcp://127\.0\.0\.1:8786' has its own"):
        ExecutionDask("tcp://127.0.0.1:8786", n_workers=2)
