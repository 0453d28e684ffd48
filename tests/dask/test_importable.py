"""Steps the workers cannot import by name are refused before anything is submitted."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import dask_steps as steps
import pytest
from dask_recorders import RecordingNotify

from dotflow import Config, DotFlow, TypeStatus, action
from dotflow.core.engine import Runtime
from dotflow.dask import DaskConnectionError, ExecutionDask, StepNotImportableError

pytestmark = pytest.mark.timeout(120)

# Nothing listens here: a test that reached the cluster would fail with a connection error.
NOWHERE = "tcp://127.0.0.1:9"


def _refused(step: object, monkeypatch: pytest.MonkeyPatch) -> tuple[str, DotFlow, RecordingNotify]:
    monkeypatch.setenv("DOTFLOW_DASK_ADDRESS", NOWHERE)
    notify = RecordingNotify()
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(step=steps.one)
    workflow.task.add(step=step)
    with pytest.raises(StepNotImportableError) as caught:
        workflow.start(mode="dask")
    return str(caught.value), workflow, notify


def test_a_closure_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    @action
    def inner() -> int:
        return 1

    message, workflow, notify = _refused(inner, monkeypatch)
    assert "'test_a_closure_is_refused.<locals>.inner' cannot run on Dask workers" in message
    assert "defined inside a function (a closure)" in message
    assert "steps.py" in message and "PYTHONPATH" in message
    assert notify.events == []  # nothing started
    assert [t.status for t in workflow.result_task()] == [TypeStatus.NOT_STARTED] * 2
    assert workflow.last_run is not None and workflow.last_run.status.value == "Failed"


def test_a_lambda_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    message, _, _ = _refused(action(lambda: 1), monkeypatch)
    assert "it is a lambda" in message


def test_a_step_not_reachable_by_its_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    twin = action(steps.one.func)  # same module and name as steps.one, another object
    message, _, _ = _refused(twin, monkeypatch)
    assert "refers to another object than this step" in message


def test_a_step_defined_in_the_main_script_is_refused(tmp_path: Path) -> None:
    script = tmp_path / "pipeline.py"
    script.write_text(
        textwrap.dedent(
            """
            from dotflow import DotFlow, action

            @action
            def hello():
                return "hi"

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
        env={**_env(), "DOTFLOW_DASK_ADDRESS": NOWHERE},
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("dotflow.dask.errors.StepNotImportableError: step 'hello'")
    assert "defined in the __main__ script, which the workers do not run" in last


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
    assert ExecutionDask().address is None  # a local cluster for the run
    monkeypatch.delenv("DOTFLOW_DASK_ADDRESS")
    assert ExecutionDask().address is None


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "DOTFLOW_DASK_ADDRESS"}
