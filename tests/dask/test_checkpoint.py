"""Checkpoints with StorageFile, and resuming a failed run, in mode="dask"."""

from __future__ import annotations

from pathlib import Path

import dask_steps as steps
import pytest

from dotflow import Config, DotFlow, TypeStatus
from dotflow.providers import StorageFile

pytestmark = [pytest.mark.usefixtures("dask_address"), pytest.mark.timeout(120)]


def _workflow(tmp_path: Path) -> DotFlow:
    log = str(tmp_path / "ran.log")
    flag = str(tmp_path / "fail")
    workflow = DotFlow(config=Config(storage=StorageFile(tmp_path / "out")), workflow_id="nightly")
    workflow.task.add(step=steps.logged, initial_context={"log": log, "name": "a"})
    workflow.task.add(
        step=steps.logged, initial_context={"log": log, "name": "b", "fail_if_exists": flag}
    )
    workflow.task.add(step=steps.logged, initial_context={"log": log, "name": "c"}, group_name="g")
    return workflow


def test_results_are_checkpointed_and_a_resumed_run_skips_them(tmp_path: Path) -> None:
    (tmp_path / "fail").touch()
    first = _workflow(tmp_path)
    run = first.start(mode="dask", keep_going=True)
    assert run.status.value == "Failed"
    assert [t.status for t in first.result_task()] == [
        TypeStatus.COMPLETED,
        TypeStatus.FAILED,
        TypeStatus.COMPLETED,
    ]
    storage = StorageFile(tmp_path / "out")
    assert storage.get("nightly/1").storage == "a"
    assert storage.get("nightly/2") is None
    assert storage.get("nightly/3").storage == "c"

    (tmp_path / "fail").unlink()
    again = _workflow(tmp_path)  # rebuilt, as a new process would
    run = again.start(mode="dask", resume=True)
    assert run.status.value == "Completed"
    assert again.result_storage() == ["a", "b", "c"]
    restored = again.result_task()[0]
    assert restored.duration == 0.0
    # a and c ran once (restored the second time), b failed once and then ran again
    assert sorted((tmp_path / "ran.log").read_text().split()) == ["a", "b", "b", "c"]


def test_without_resume_everything_runs_again(tmp_path: Path) -> None:
    _workflow(tmp_path).start(mode="dask")
    _workflow(tmp_path).start(mode="dask")
    assert sorted((tmp_path / "ran.log").read_text().split()) == ["a", "a", "b", "b", "c", "c"]


def test_a_self_referencing_result_fails_its_task_at_once(tmp_path: Path) -> None:
    # Issue 13, item 1: it travels back from the worker (pickle keeps the cycle) and the file
    # storage refuses it with a clear error instead of hanging.
    workflow = DotFlow(config=Config(storage=StorageFile(tmp_path / "out")), workflow_id="cyc")
    workflow.task.add(step=steps.self_referencing)
    run = workflow.start(mode="dask")
    (task,) = run.tasks
    assert task.status is TypeStatus.FAILED
    assert task.errors[-1].exception == "SelfReferencingValueError"  # a NotJSONSerializableError
    assert "self-referencing" in task.errors[-1].message
