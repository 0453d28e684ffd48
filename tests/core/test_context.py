from __future__ import annotations

from dotflow import Context, DotFlow, action


def test_a_context_given_as_storage_is_unwrapped() -> None:
    # dotflow 1.0.1 flattens a nested context; users' code relies on it.
    inner = Context(storage={"x": 1}, task_id=2, workflow_id="flow")
    outer = Context(storage=inner)
    assert outer.storage == {"x": 1}
    assert (outer.task_id, outer.workflow_id, outer.time) == (2, "flow", inner.time)
    assert Context(storage=Context(storage=Context(storage=[1]))).storage == [1]
    assert Context(storage=Context()).storage is None


def test_given_ids_win_over_the_inner_ones() -> None:
    outer = Context(storage=Context(storage=1, task_id=2, workflow_id="a"), task_id=5)
    assert (outer.storage, outer.task_id, outer.workflow_id) == (1, 5, "a")


@action
def seven() -> int:
    return 7


@action
def wraps_previous(previous_context: Context) -> Context:
    return Context(storage=previous_context)


def test_a_step_returning_a_wrapped_context_passes_the_value_on() -> None:
    workflow = DotFlow()
    workflow.task.add(step=seven)
    workflow.task.add(step=wraps_previous)
    workflow.task.add(step=wraps_previous)
    workflow.start()
    assert workflow.result_storage() == [7, 7, 7]
