from __future__ import annotations

import itertools
import json
import uuid

import pytest
from core_steps import add_one, always_fails, one  # type: ignore[import-not-found]
from hypothesis import given
from hypothesis import strategies as st

from dotflow import Context, DotFlow, TypeStatus, action
from dotflow.core.exceptions import InvalidWorkflowIdError
from dotflow.core.result import WorkflowResult


def test_task_ids_are_positions_and_stable_across_rebuilds() -> None:
    def build() -> DotFlow:
        workflow = DotFlow(workflow_id="stable")
        workflow.task.add(step=[one, add_one, add_one])
        return workflow

    first, second = build(), build()
    assert [t.task_id for t in first.task.queue] == [1, 2, 3]
    assert [t.task_id for t in second.task.queue] == [1, 2, 3]


def test_generated_workflow_id_is_a_uuid() -> None:
    assert uuid.UUID(DotFlow().workflow_id).version == 4


def test_uuid_workflow_id_becomes_a_string() -> None:
    value = uuid.uuid4()
    assert DotFlow(workflow_id=value).workflow_id == str(value)


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("", "empty"),
        ("../etc", "escape"),
        ("a/b", "escape"),
        ("/abs", "escape"),
        ("tab\there", "control"),
        (".hidden", "characters"),
        ("x" * 201, "longer"),
        (42, "expected a str"),
    ],
)
def test_unsafe_workflow_ids_are_refused(bad, fragment: str) -> None:
    with pytest.raises(InvalidWorkflowIdError, match=fragment):
        DotFlow(workflow_id=bad)


@given(st.text(min_size=1, max_size=50))
def test_any_accepted_workflow_id_is_a_safe_path_segment(text: str) -> None:
    try:
        workflow = DotFlow(workflow_id=text)
    except InvalidWorkflowIdError:
        return
    wid = workflow.workflow_id
    assert "/" not in wid and "\\" not in wid and ".." not in wid and not wid.startswith(".")
    assert all(32 < ord(c) < 127 for c in wid)


def test_builder_count_clear_reverse_schema() -> None:
    workflow = DotFlow(workflow_id="builder")
    workflow.task.add(step=one, initial_context={"n": 1})
    workflow.task.add(step=add_one, group_name="g")
    assert workflow.task.count() == 2
    workflow.task.reverse()
    assert [t.step_name for t in workflow.task.queue] == ["add_one", "one"]
    assert [t.task_id for t in workflow.task.queue] == [1, 2]
    schema = workflow.task.schema()
    assert schema["workflow_id"] == "builder"
    assert schema["tasks"][1] == {
        "task_id": 2,
        "step": "one",
        "callback": None,
        "group_name": "default",
        "initial_context": {"n": 1},
    }
    json.dumps(schema)
    workflow.task.clear()
    assert workflow.task.count() == 0


def test_initial_context_is_wrapped_once() -> None:
    workflow = DotFlow()
    workflow.task.add(step=one, initial_context=Context(storage=[1, 2]))
    workflow.task.add(step=one, initial_context="raw")
    first, second = workflow.task.queue
    assert first.initial_context.storage == [1, 2] and first.initial_context.task_id == 1
    assert second.initial_context.storage == "raw" and second.initial_context.task_id == 2


def test_results_before_and_after_a_run() -> None:
    workflow = DotFlow()
    workflow.task.add(step=[one, add_one])
    assert workflow.result().status == "Not started"
    workflow.start()
    assert workflow.result_storage() == [1, 2]
    assert [c.task_id for c in workflow.result_context()] == [1, 2]
    result = workflow.result()
    assert result.status == "Completed" and result.mode == "sequential"
    assert [t.current_context for t in result.tasks] == [1, 2]
    assert result.tasks[1].previous_context == 1


def test_each_start_is_a_fresh_run() -> None:
    workflow = DotFlow()
    workflow.task.add(step=always_fails)
    workflow.start()
    workflow.start()
    task = workflow.result_task()[0]
    assert len(task.errors) == 3  # not 6: the second run does not inherit the first's errors
    # The queue shows the latest run (dotflow 1.0.1 users read it there), not an accumulation.
    assert workflow.task.queue == workflow.result_task()
    assert workflow.task.queue[0].status is TypeStatus.FAILED


def test_result_json_round_trip_and_size_cap() -> None:
    @action
    def big():
        return "y" * 10_000

    workflow = DotFlow()
    workflow.task.add(step=big)
    workflow.start()
    result = workflow.result()
    assert WorkflowResult.from_dict(json.loads(result.to_json())) == result
    capped = result.to_dict(max_size=1_000)["tasks"][0]
    assert capped["current_context"] == {"truncated": True, "size": 10_002}
    payload = workflow.result_task()[0].result(max_size=1_000)
    assert payload["current_context"]["truncated"] is True
    assert payload["status"] == "Completed"


def test_non_json_results_are_described_in_reports() -> None:
    @action
    def gives_set():
        return {1, 2}

    workflow = DotFlow()
    workflow.task.add(step=gives_set)
    workflow.start()
    value = workflow.result().to_dict()["tasks"][0]["current_context"]
    assert value["type"] == "set" and "1" in value["repr"]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@given(st.lists(json_values, min_size=1, max_size=5))
def test_result_round_trips_through_json(values: list) -> None:
    workflow = DotFlow(workflow_id="prop")
    for value in values:

        @action
        def give(value=value):
            return value

        workflow.task.add(step=give, initial_context=value)
    workflow.start()
    result = workflow.result()
    again = WorkflowResult.from_dict(json.loads(result.to_json()))
    assert again == result
    assert [t.current_context for t in again.tasks] == values


@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=20))
def test_context_chaining_passes_each_result_to_the_next(increments: list[int]) -> None:
    @action
    def step(previous_context, initial_context):
        return (previous_context.storage or 0) + initial_context.storage

    workflow = DotFlow()
    for value in increments:
        workflow.task.add(step=step, initial_context=value)
    workflow.start()
    running, expected = 0, []
    for value in increments:
        running += value
        expected.append(running)
    assert workflow.result_storage() == expected
    tasks = workflow.result_task()
    for before, after in itertools.pairwise(tasks):
        assert after.previous_context is before.current_context


def test_each_run_has_its_own_result() -> None:
    workflow = DotFlow()
    workflow.task.add(step=one)
    first = workflow.start()
    workflow.task.add(step=always_fails)
    second = workflow.start()
    assert first.result().status == "Completed" and len(first.result().tasks) == 1
    assert second.result().status == "Failed" and workflow.result() == second.result()


def test_a_returned_context_is_completed_on_a_copy_never_in_place() -> None:
    from dotflow.core.task import NO_CONTEXT

    @action
    def boom() -> None:
        raise RuntimeError("boom")

    @action
    def echo(previous_context: Context) -> Context:
        return previous_context  # the failed task's context: the shared NO_CONTEXT

    workflow = DotFlow()
    workflow.task.add(step=[boom, echo])
    workflow.start(keep_going=True)
    echoed = workflow.result_context()[1]
    assert (echoed.task_id, echoed.workflow_id) == (2, workflow.workflow_id)
    assert (NO_CONTEXT.task_id, NO_CONTEXT.workflow_id) == (None, None)
    fresh = DotFlow()
    fresh.task.add(step=echo)
    assert fresh.result_context()[0].task_id is None


def test_the_result_of_a_self_referencing_value_says_why_it_has_no_json_form() -> None:
    @action
    def loop() -> list:
        value: list = [1]
        value.append(value)
        return value

    workflow = DotFlow()  # in memory: the value itself is kept
    workflow.task.add(step=loop)
    workflow.start()
    shown = json.loads(workflow.result().to_json())["tasks"][0]["current_context"]
    assert shown["unserializable"] is True and "self-referencing" in shown["reason"]


@pytest.mark.parametrize("value", [float("nan"), [float("inf")], "caf\udce9"])
def test_the_result_json_is_standard_and_encodable(value) -> None:
    @action
    def give():
        return value

    workflow = DotFlow()
    workflow.task.add(step=give)
    workflow.start()
    text = workflow.result().to_json()
    text.encode("utf-8")
    shown = json.loads(text, parse_constant=lambda token: pytest.fail(token))
    assert shown["tasks"][0]["current_context"]["unserializable"] is True
