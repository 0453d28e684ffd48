from __future__ import annotations

import pytest

from dotflow import Context, DotFlow, TypeStatus, action
from dotflow.core.exceptions import NotAnActionError, StepImportError


class Chain:
    @action
    def extract(self):
        return {"raw": [1, 2, 3]}

    @action
    def transform(self, previous_context):
        return {"processed": [x * 2 for x in previous_context.storage["raw"]]}


@action
def returns_instance():
    return Chain()


def test_step_returning_an_instance_runs_its_methods() -> None:
    workflow = DotFlow()
    workflow.task.add(step=returns_instance)
    workflow.start()
    assert workflow.result_storage() == [{"processed": [2, 4, 6]}]


def test_class_as_step() -> None:
    workflow = DotFlow()
    workflow.task.add(step=Chain)
    workflow.start()
    assert workflow.result_storage() == [{"processed": [2, 4, 6]}]


def test_failing_method_fails_the_task() -> None:
    class Broken:
        @action
        def ok(self):
            return 1

        @action(retry=2, retry_delay=0)
        def bad(self, previous_context):
            raise ValueError(previous_context.storage)

    workflow = DotFlow()
    workflow.task.add(step=Broken)
    workflow.start()
    task = workflow.result_task()[0]
    assert task.status is TypeStatus.FAILED
    assert [(e.attempt, e.message) for e in task.errors] == [(1, "1"), (2, "1")]


def test_string_paths() -> None:
    workflow = DotFlow()
    workflow.task.add(step="core_steps.one")
    workflow.task.add(step="core_steps:add_one", callback="core_steps.record_callback")
    workflow.task.add(step="core_steps.Pipeline")
    workflow.start()
    assert workflow.result_storage() == [1, 2, [1, 2]]


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("no_such_module_xyz.func", "no module named"),
        ("core_steps.missing", "has no attribute 'missing'"),
        ("nodots", "expected"),
        ("core_steps:", "expected"),
    ],
)
def test_bad_paths_explain(path: str, fragment: str) -> None:
    with pytest.raises(StepImportError, match=fragment):
        DotFlow().task.add(step=path)


def test_plain_function_is_refused_with_the_fix() -> None:
    def plain():
        return None

    with pytest.raises(NotAnActionError, match="@action"):
        DotFlow().task.add(step=plain)
    with pytest.raises(NotAnActionError):
        DotFlow().task.add(step="core_steps.plain_function")


def test_returning_a_context_keeps_it() -> None:
    @action
    def gives_context():
        return Context(storage={"k": "v"})

    workflow = DotFlow()
    workflow.task.add(step=gives_context)
    workflow.start()
    context = workflow.result_context()[0]
    assert context.storage == {"k": "v"}
    assert context.task_id == 1 and context.workflow_id == workflow.workflow_id


def test_task_parameter_is_injected() -> None:
    seen = []

    @action
    def uses_task(task):
        seen.append((task.task_id, task.workflow_id))

    workflow = DotFlow(workflow_id="inject")
    workflow.task.add(step=[uses_task, uses_task])
    workflow.start()
    assert seen == [(1, "inject"), (2, "inject")]
