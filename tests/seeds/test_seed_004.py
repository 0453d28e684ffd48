"""Seed 004, the reference page of ``dotflow.core.workflow.Manager``: every snippet, run.

Constructing a ``Manager`` runs its tasks, through the same engine as ``DotFlow.start()``.
"""

from __future__ import annotations

import inspect
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from dotflow import Config, DotFlow, action
from dotflow.core.types.status import TypeStatus
from dotflow.providers import StorageFile

CALLS: list[tuple[str, list[TypeStatus]]] = []


def basic_callback(*args: Any, **kwargs: Any) -> None:
    CALLS.append(("callback", [task.status for task in kwargs["tasks"]]))


@action
def first() -> int:
    return 1


@action
def second(previous_context: Any) -> int:
    return previous_context.storage + 1


@action
def broken() -> None:
    raise RuntimeError("broken step")


@action
def echo(initial_context: Any) -> Any:
    return initial_context.storage


def _tasks(*steps: Any, config: Config | None = None, workflow_id: str | None = None) -> list[Any]:
    workflow = DotFlow(config=config, workflow_id=workflow_id)
    workflow.task.add(step=list(steps))
    return workflow.task.queue


def test_import() -> None:
    from dotflow.core.workflow import Manager

    assert Manager.__name__ == "Manager"


def test_documented_signature() -> None:
    from dotflow.core.workflow import Manager

    assert list(inspect.signature(Manager).parameters) == [
        "tasks",
        "on_success",
        "on_failure",
        "mode",
        "keep_going",
        "workflow_id",
        "resume",
        "on_input_change",
        "fingerprint",
        "config",
    ]
    defaults = {p.name: p.default for p in inspect.signature(Manager).parameters.values()}
    assert defaults["mode"] == "sequential"
    assert defaults["keep_going"] is False
    assert defaults["workflow_id"] is None
    assert defaults["resume"] is False


def test_example() -> None:
    from dotflow.core.workflow import Manager

    tasks = _tasks(first, broken, first)
    CALLS.clear()
    # The example, with `tasks=[tasks]` read as the list of tasks it documents.
    workflow = Manager(
        tasks=tasks,
        on_success=basic_callback,
        on_failure=basic_callback,
        keep_going=True,
    )
    assert [task.status for task in workflow.tasks] == [
        TypeStatus.COMPLETED,
        TypeStatus.FAILED,
        TypeStatus.COMPLETED,  # keep_going: the third task ran
    ]
    assert CALLS == [("callback", [TypeStatus.COMPLETED, TypeStatus.FAILED, TypeStatus.COMPLETED])]
    # Attributes
    assert workflow.on_success is basic_callback and workflow.on_failure is basic_callback
    assert isinstance(workflow.started, datetime)
    assert workflow.workflow_id == tasks[0].workflow_id
    assert workflow.tasks[1].errors[0].message == "broken step"


def test_on_success_and_default_keep_going() -> None:
    from dotflow.core.workflow import Manager

    success: list[int] = []
    failure: list[int] = []
    Manager(
        tasks=_tasks(first, second),
        on_success=lambda tasks: success.append(len(tasks)),
        on_failure=lambda tasks: failure.append(len(tasks)),
    )
    assert (success, failure) == ([2], [])
    stopped = Manager(tasks=_tasks(broken, first), on_failure=lambda tasks: failure.append(1))
    assert [t.status for t in stopped.tasks] == [TypeStatus.FAILED, TypeStatus.NOT_STARTED]
    assert failure == [1]


@pytest.mark.parametrize("mode", ["sequential", "sequential_group", "background", "parallel"])
def test_modes(mode: str) -> None:
    from dotflow.core.types import TypeExecution
    from dotflow.core.workflow import Manager

    workflow = Manager(tasks=_tasks(first, first), mode=TypeExecution(mode))
    assert workflow.wait(timeout=120)
    assert [t.current_context.storage for t in workflow.tasks] == [1, 1]
    assert workflow.run.mode == mode


def test_unknown_mode() -> None:
    from dotflow.core.exception import ExecutionModeNotExist
    from dotflow.core.workflow import Manager

    with pytest.raises(ExecutionModeNotExist):
        Manager(tasks=_tasks(first), mode="sideways")


def test_workflow_id_and_resume(tmp_path: Path) -> None:
    from dotflow.core.workflow import Manager

    config = Config(storage=StorageFile(path=tmp_path))
    tasks = _tasks(first, broken, config=config)
    failed = Manager(tasks=tasks, workflow_id="manager-resume", config=config)
    assert failed.workflow_id == "manager-resume"
    assert (tmp_path / "manager-resume" / "1.json").exists()
    assert [t.status for t in failed.tasks] == [TypeStatus.COMPLETED, TypeStatus.FAILED]

    # "Tasks with a checkpoint are skipped and their saved context is used."
    resumed = Manager(
        tasks=_tasks(first, second, config=config),
        workflow_id="manager-resume",
        resume=True,
        config=config,
    )
    assert [t.current_context.storage for t in resumed.tasks] == [1, 2]
    assert resumed.tasks[0].duration == 0.0  # restored, not run


def test_on_input_change_and_fingerprint(tmp_path: Path) -> None:
    from dotflow.core.exception import InputChangedError, InvalidOnInputChange
    from dotflow.core.workflow import Manager

    config = Config(storage=StorageFile(path=tmp_path))

    def run(value: str, **kwargs: Any) -> Any:
        workflow = DotFlow(config=config, workflow_id="inputs")
        workflow.task.add(step=echo, initial_context=value)
        return Manager(tasks=workflow.task.queue, config=config, workflow_id="inputs", **kwargs)

    run("a")
    with pytest.raises(InputChangedError):
        run("b", resume=True, on_input_change="raise")
    reused = run("b", resume=True, on_input_change="reuse")
    assert reused.tasks[0].current_context.storage == "a"  # the checkpoint is kept
    reset = run("c", resume=True, on_input_change="reset")  # ("b" is now the stored input)
    assert reset.tasks[0].current_context.storage == "c"
    run("x", fingerprint="v1")  # the caller names the input version
    same = run("y", resume=True, fingerprint="v1", on_input_change="raise")
    assert same.tasks[0].current_context.storage == "x"  # same version: the checkpoint is used
    with pytest.raises(InvalidOnInputChange):
        run("a", on_input_change="sometimes")


def test_tasks_must_be_tasks() -> None:
    from dotflow.core.workflow import Manager

    with pytest.raises(TypeError, match="expects dotflow Task objects, got function"):
        Manager(tasks=[lambda: 1])


def test_one_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    # Manager has no run code of its own: every Manager is one DotFlow.start() call.
    from dotflow.core.workflow import Manager, WorkflowRun

    starts: list[dict[str, Any]] = []
    real_start = DotFlow.start

    def spy(self: DotFlow, **kwargs: Any) -> WorkflowRun:
        starts.append(kwargs)
        return real_start(self, **kwargs)

    monkeypatch.setattr(DotFlow, "start", spy)
    workflow = Manager(tasks=_tasks(first, second), keep_going=True)
    assert len(starts) == 1 and starts[0]["keep_going"] is True
    assert isinstance(workflow.run, WorkflowRun) and workflow.tasks is workflow.run.tasks
