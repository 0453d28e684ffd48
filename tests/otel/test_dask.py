"""Spans of tasks run on Dask workers nest under the run's span (made by the orchestrator)."""

from __future__ import annotations

from collections.abc import Iterator

import otel_steps
import pytest
from otel_support import Providers, by_name
from otlp_receiver import Receiver

from dotflow import Config, DotFlow, WorkflowStatus
from dotflow.otel import MetricsOpenTelemetry, TracerOpenTelemetry

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dask_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # The workers count attempts in this folder; they inherit the variable when they start.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OTEL_TEST_DIR", str(tmp_path_factory.mktemp("attempts")))
        yield from _cluster()


def _cluster() -> Iterator[str]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        yield cluster.scheduler_address
    finally:
        from dotflow.dask import ExecutionDask

        # dotflow keeps its connection to an address for later runs: close it before the
        # cluster, or it keeps trying to reconnect until the interpreter exits.
        ExecutionDask(cluster.scheduler_address).close()
        cluster.close()


def test_dask_mode(
    dask_address: str,
    providers: Providers,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOTFLOW_DASK_ADDRESS", dask_address)
    config = Config(
        tracer=TracerOpenTelemetry(tracer_provider=providers.tracer),
        metrics=MetricsOpenTelemetry(meter_provider=providers.meter),
    )
    workflow = DotFlow(config=config, workflow_id="on-dask")
    workflow.task.add(step=otel_steps.extract, group_name="a")
    workflow.task.add(step=otel_steps.flaky, group_name="b")
    handle = workflow.start(mode="dask")
    handle.wait(120)
    assert handle.status is WorkflowStatus.COMPLETED
    providers.flush()
    assert receiver.wait_for(lambda: len(receiver.spans()) >= 5)
    spans = receiver.spans()
    (root,) = by_name(spans, "dotflow workflow")
    assert root["attributes"]["dotflow.workflow.mode"] == "dask"
    attempts = sorted(by_name(spans, "task flaky"), key=lambda span: span["start"])
    assert [s["attributes"]["dotflow.task.status"] for s in attempts] == [
        "Retry",
        "Retry",
        "Completed",
    ]
    assert attempts[0]["events"][0][1]["exception.type"] == "ConnectionError"
    for span in [*attempts, *by_name(spans, "task extract")]:
        assert (span["trace_id"], span["parent"]) == (root["trace_id"], root["span_id"])
    retries = [p for p in receiver.points() if p["name"] == "dotflow.task.retries"]
    assert [p["value"] for p in retries] == [2]
