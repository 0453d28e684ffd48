"""Configuration the OpenTelemetry way, in fresh processes (global providers are set once)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

from otlp_receiver import Receiver

HERE = Path(__file__).resolve().parent

_SCRIPT = """
import logging, sys
logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
sys.path.insert(0, {here!r})
{setup}
import otel_steps
from dotflow import Config, DotFlow
from dotflow.otel import LogOpenTelemetry, MetricsOpenTelemetry, TracerOpenTelemetry

config = Config(
    tracer=TracerOpenTelemetry({args}),
    metrics=MetricsOpenTelemetry({args}),
    log=LogOpenTelemetry({args}),
)
workflow = DotFlow(config=config, workflow_id="from-env")
workflow.task.add(step=otel_steps.extract)
workflow.task.add(step=otel_steps.broken)
print("status:", workflow.start(keep_going=True).status.value, flush=True)
"""


def run_script(
    tmp_path: Path, env: dict[str, str], setup: str = "", args: str = ""
) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "traced.py"
    script.write_text(_SCRIPT.format(here=str(HERE), setup=textwrap.dedent(setup), args=args))
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    return subprocess.run(
        [sys.executable, str(script)],
        env=clean | {"OTEL_TEST_DIR": str(tmp_path)} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_standard_variables_configure_otlp_export(tmp_path: Path, receiver: Receiver) -> None:
    done = run_script(
        tmp_path,
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url,
            "OTEL_SERVICE_NAME": "nightly-etl",
            "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=test",
        },
    )
    assert done.returncode == 0, done.stderr
    assert "status: Failed" in done.stdout
    assert done.stderr == ""  # nothing to report: the receiver took everything
    # Everything was flushed when the process exited.
    spans, points, logs = receiver.spans(), receiver.points(), receiver.logs()
    assert sorted(span["name"] for span in spans) == [
        "dotflow workflow",
        "task broken",
        "task broken",
        "task extract",
    ]
    assert len(logs) == 5
    assert {p["name"] for p in points} >= {"dotflow.workflows", "dotflow.tasks"}
    for resource in [*(s["resource"] for s in spans), *(p["resource"] for p in points)]:
        assert resource["service.name"] == "nightly-etl"
        assert resource["deployment.environment"] == "test"


def test_service_name_argument_and_per_signal_variables(tmp_path: Path, receiver: Receiver) -> None:
    done = run_script(
        tmp_path,
        {
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"{receiver.url}/v1/traces",
            "OTEL_SERVICE_NAME": "from-the-variable",
        },
        args="service_name='my-pipeline'",
    )
    assert done.returncode == 0, done.stderr
    spans = receiver.spans()
    assert len(spans) == 4
    assert {s["resource"]["service.name"] for s in spans} == {"my-pipeline"}
    assert receiver.points() == [] and receiver.logs() == []  # no endpoint for those signals


def test_the_applications_providers_win(tmp_path: Path, receiver: Receiver) -> None:
    setup = f"""
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    provider = TracerProvider(resource=Resource.create({{"service.name": "the-app"}}))
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter("{receiver.url}/v1/traces")))
    trace.set_tracer_provider(provider)
    """
    done = run_script(tmp_path, {"OTEL_SERVICE_NAME": "not-used"}, setup=setup, args="'ignored'")
    assert done.returncode == 0, done.stderr
    spans = receiver.spans()
    assert len(spans) == 4
    assert {s["resource"]["service.name"] for s in spans} == {"the-app"}


def test_exporters_can_be_turned_off(tmp_path: Path, receiver: Receiver) -> None:
    done = run_script(
        tmp_path,
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url,
            "OTEL_TRACES_EXPORTER": "none",
            "OTEL_LOGS_EXPORTER": "none",
        },
    )
    assert done.returncode == 0, done.stderr
    assert receiver.spans() == [] and receiver.logs() == []
    assert receiver.points() != []
    assert run_script(tmp_path, {"OTEL_SDK_DISABLED": "true"}).returncode == 0
    assert len(receiver.requests["/v1/metrics"]) == 1  # the disabled run sent nothing


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed when this returns: nothing listens there


def test_a_dead_receiver_costs_one_log_line(tmp_path: Path) -> None:
    done = run_script(
        tmp_path,
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{_dead_port()}",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "2",
        },
    )
    assert done.returncode == 0, done.stderr
    assert "status: Failed" in done.stdout  # the run went on as without telemetry
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("dotflow.otel._guard: dotflow-otel: could not export ")
    assert "http://127.0.0.1:" in lines[0]
