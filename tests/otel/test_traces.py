"""Spans as an OTLP receiver gets them: the run's span tree, attributes and recorded errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import otel_steps
import pytest
from opentelemetry import trace
from opentelemetry.proto.trace.v1.trace_pb2 import Status
from otel_support import Providers, by_name
from otlp_receiver import Receiver

from dotflow import Config, DotFlow, WorkflowStatus
from dotflow.otel import TracerOpenTelemetry

ERROR, UNSET = Status.STATUS_CODE_ERROR, Status.STATUS_CODE_UNSET


@pytest.fixture(autouse=True)
def attempts_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TEST_DIR", str(tmp_path))


def run(providers: Providers, mode: str, workflow_id: str) -> DotFlow:
    tracer = TracerOpenTelemetry(tracer_provider=providers.tracer)
    workflow = DotFlow(config=Config(tracer=tracer), workflow_id=workflow_id)
    workflow.task.add(step=otel_steps.extract, group_name="load")
    workflow.task.add(step=otel_steps.flaky, group_name="load")
    workflow.task.add(step=otel_steps.broken, group_name="check")
    handle = workflow.start(mode=mode, keep_going=True)
    handle.wait(60)
    assert handle.status is WorkflowStatus.FAILED
    providers.flush()
    return workflow


def check_tree(spans: list[dict[str, Any]], workflow_id: str, mode: str) -> None:
    (root,) = by_name(spans, "dotflow workflow")
    assert root["attributes"] == {
        "dotflow.workflow.id": workflow_id,
        "dotflow.workflow.mode": mode,
        "dotflow.workflow.tasks_count": 3,
        "dotflow.workflow.status": "Failed",
    }
    assert root["status"] == ERROR
    assert root["resource"]["service.name"] == "otel-tests"
    assert root["scope"] == "dotflow.otel"
    tasks = [span for span in spans if span is not root]
    assert len(tasks) == 6  # extract once, flaky three times, broken twice
    for span in tasks:
        assert span["trace_id"] == root["trace_id"]
        assert span["parent"] == root["span_id"]
        assert root["start"] <= span["start"] <= span["end"] <= root["end"]

    (extract,) = by_name(spans, "task extract")
    assert extract["attributes"] == {
        "dotflow.workflow.id": workflow_id,
        "dotflow.task.id": 1,
        "dotflow.task.step": "extract",
        "dotflow.task.group": "load",
        "dotflow.task.attempt": 1,
        "dotflow.task.status": "Completed",
        "dotflow.task.retry_count": 0,
    }
    assert extract["status"] == UNSET
    assert extract["events"] == []

    flaky = sorted(by_name(spans, "task flaky"), key=lambda span: span["start"])
    assert [s["attributes"]["dotflow.task.attempt"] for s in flaky] == [1, 2, 3]
    assert [s["attributes"]["dotflow.task.status"] for s in flaky] == [
        "Retry",
        "Retry",
        "Completed",
    ]
    assert [s["attributes"]["dotflow.task.retry_count"] for s in flaky] == [0, 1, 2]
    assert [s["status"] for s in flaky] == [ERROR, ERROR, UNSET]
    for failed in flaky[:2]:
        ((name, event),) = failed["events"]
        assert name == "exception"
        assert event["exception.type"] == "ConnectionError"
        assert event["exception.message"] == "the database is not ready"
        assert "Traceback" in event["exception.stacktrace"]
        assert failed["status_message"] == "ConnectionError: the database is not ready"
    assert flaky[0]["end"] <= flaky[1]["start"] <= flaky[1]["end"] <= flaky[2]["start"]

    broken = sorted(by_name(spans, "task broken"), key=lambda span: span["start"])
    assert [s["attributes"]["dotflow.task.status"] for s in broken] == ["Retry", "Failed"]
    assert [s["status"] for s in broken] == [ERROR, ERROR]
    assert all(s["events"][0][1]["exception.message"] == "bad row 7" for s in broken)
    assert broken[1]["attributes"]["dotflow.task.retry_count"] == 1
    assert broken[1]["attributes"]["dotflow.task.group"] == "check"


@pytest.mark.parametrize("mode", ["sequential", "sequential_group", "background", "parallel"])
def test_a_run_is_one_span_tree_in_every_mode(
    providers: Providers, receiver: Receiver, mode: str
) -> None:
    run(providers, mode, f"traced-{mode}")
    assert receiver.wait_for(lambda: len(receiver.spans()) >= 7)
    check_tree(receiver.spans(), f"traced-{mode}", mode)


def test_a_run_inside_a_caller_span_joins_its_trace(
    providers: Providers, receiver: Receiver
) -> None:
    caller = providers.tracer.get_tracer("the-web-app")
    with caller.start_as_current_span("POST /reports") as request:
        run(providers, "background", "inside-a-request")
    providers.flush()
    assert receiver.wait_for(lambda: len(receiver.spans()) >= 8)
    spans = receiver.spans()
    (outer,) = by_name(spans, "POST /reports")
    (root,) = by_name(spans, "dotflow workflow")
    assert root["parent"] == outer["span_id"]
    assert {span["trace_id"] for span in spans} == {outer["trace_id"]}
    assert outer["span_id"] == format(request.get_span_context().span_id, "016x")


def test_runs_side_by_side_get_their_own_trees(providers: Providers, receiver: Receiver) -> None:
    tracer = TracerOpenTelemetry(tracer_provider=providers.tracer)
    handles = []
    for number in range(3):
        workflow = DotFlow(config=Config(tracer=tracer), workflow_id=f"side-{number}")
        for group in ("a", "b"):
            workflow.task.add(step=otel_steps.extract, group_name=group)
        handles.append(workflow.start(mode="background"))
    for handle in handles:
        handle.wait(60)
        assert handle.status is WorkflowStatus.COMPLETED
    providers.flush()
    assert receiver.wait_for(lambda: len(receiver.spans()) >= 9)
    spans = receiver.spans()
    roots = {span["span_id"]: span for span in by_name(spans, "dotflow workflow")}
    assert len(roots) == 3
    for span in by_name(spans, "task extract"):
        root = roots[span["parent"]]
        assert (
            span["attributes"]["dotflow.workflow.id"] == root["attributes"]["dotflow.workflow.id"]
        )
        assert span["trace_id"] == root["trace_id"]


@pytest.mark.parametrize("mode", ["sequential", "sequential_group", "background", "parallel"])
def test_the_attempt_span_is_current_while_the_step_runs(
    providers: Providers, receiver: Receiver, mode: str
) -> None:
    tracer = TracerOpenTelemetry(tracer_provider=providers.tracer)
    workflow = DotFlow(config=Config(tracer=tracer), workflow_id=f"current-{mode}")
    workflow.task.add(step=otel_steps.traced, group_name="a")
    workflow.task.add(step=otel_steps.extract, group_name="b")  # two groups: threads
    handle = workflow.start(mode=mode)
    handle.wait(60)
    assert handle.status is WorkflowStatus.COMPLETED
    # The caller's context is as it was: no attempt span stays current after the run.
    assert trace.get_current_span() is trace.INVALID_SPAN
    providers.flush()
    assert receiver.wait_for(lambda: len(receiver.spans()) >= 4)
    attempts = sorted(by_name(receiver.spans(), "task traced"), key=lambda span: span["start"])
    seen = handle.tasks[0].current_context.storage.split()
    if mode == "parallel":  # the step runs in a worker process: no span crosses to it
        assert seen == ["0" * 16, "0" * 16]
    else:  # spans a step makes are children of its attempt's span
        assert seen == [span["span_id"] for span in attempts]
