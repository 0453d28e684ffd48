"""Metric points as an OTLP receiver gets them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import otel_steps
import pytest
from otel_support import Providers
from otlp_receiver import Receiver

from dotflow import Config, DotFlow, WorkflowStatus
from dotflow.otel import MetricsOpenTelemetry


@pytest.fixture(autouse=True)
def attempts_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TEST_DIR", str(tmp_path))


def point(points: list[dict[str, Any]], name: str, **attributes: str) -> dict[str, Any]:
    keys = {f"dotflow.{key.replace('_', '.')}": value for key, value in attributes.items()}
    (found,) = [p for p in points if p["name"] == name and p["attributes"] == keys]
    return found


@pytest.mark.parametrize("mode", ["sequential", "background", "parallel"])
def test_counters_histograms_and_running_tasks(
    providers: Providers, receiver: Receiver, mode: str
) -> None:
    metrics = MetricsOpenTelemetry(meter_provider=providers.meter)
    for number, steps in enumerate([("extract", "flaky", "broken"), ("extract",)]):
        workflow = DotFlow(config=Config(metrics=metrics), workflow_id=f"m-{mode}-{number}")
        for step in steps:
            workflow.task.add(step=getattr(otel_steps, step))
        handle = workflow.start(mode=mode, keep_going=True)
        handle.wait(60)
        assert handle.status is (WorkflowStatus.FAILED if number == 0 else WorkflowStatus.COMPLETED)
    providers.flush()
    assert receiver.wait_for(lambda: bool(receiver.points()))
    points = receiver.points()
    assert {p["resource"]["service.name"] for p in points} == {"otel-tests"}

    failed = point(points, "dotflow.workflows", workflow_mode=mode, workflow_status="Failed")
    completed = point(points, "dotflow.workflows", workflow_mode=mode, workflow_status="Completed")
    assert (failed["value"], completed["value"], failed["monotonic"]) == (1, 1, True)
    duration = point(
        points, "dotflow.workflow.duration", workflow_mode=mode, workflow_status="Completed"
    )
    assert duration["kind"] == "histogram" and duration["count"] == 1 and duration["sum"] > 0
    assert duration["unit"] == "s"
    assert point(points, "dotflow.workflows.running", workflow_mode=mode)["value"] == 0

    assert (
        point(points, "dotflow.tasks", task_step="extract", task_status="Completed")["value"] == 2
    )
    assert point(points, "dotflow.tasks", task_step="flaky", task_status="Completed")["value"] == 1
    assert point(points, "dotflow.tasks", task_step="broken", task_status="Failed")["value"] == 1
    task_duration = point(
        points, "dotflow.task.duration", task_step="extract", task_status="Completed"
    )
    assert task_duration["count"] == 2
    assert point(points, "dotflow.task.retries", task_step="flaky")["value"] == 2
    assert point(points, "dotflow.task.retries", task_step="broken")["value"] == 1
    running = [p for p in points if p["name"] == "dotflow.tasks.running"]
    assert {p["attributes"]["dotflow.task.step"] for p in running} == {"extract", "flaky", "broken"}
    assert all(p["value"] == 0 and p["monotonic"] is False for p in running)
    # No point carries a workflow id: one time series per run would swamp a backend.
    assert not any("dotflow.workflow.id" in p["attributes"] for p in points)


def test_running_tasks_count_while_a_task_runs(providers: Providers, receiver: Receiver) -> None:
    metrics = MetricsOpenTelemetry(meter_provider=providers.meter)
    seen: list[int] = []

    def look(task: Any) -> None:
        providers.flush()
        rows = [p for p in receiver.points() if p["name"] == "dotflow.tasks.running"]
        seen.append(int(rows[-1]["value"]) if rows else -1)

    workflow = DotFlow(config=Config(metrics=metrics), workflow_id="running")
    workflow.task.add(step=otel_steps.extract)
    metrics.task_started(workflow.task.queue[0])  # as the engine does before the step runs
    look(None)
    metrics.task_completed(workflow.task.queue[0])
    look(None)
    assert seen == [1, 0]
