"""``dotflow start`` / ``dotflow schedule`` with OpenTelemetry, in real subprocesses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from otel_support import by_name
from otlp_receiver import Receiver

HERE = Path(__file__).resolve().parent
ANNOUNCE = "dotflow: OTEL_EXPORTER_OTLP_ENDPOINT is set: sending tracer and metrics there"


def dotflow(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    script = shutil.which("dotflow", path=str(Path(sys.executable).parent))
    assert script is not None, "the dotflow console script is not installed (uv sync)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "DOTFLOW_"))}
    clean |= {"PYTHONPATH": str(HERE), "OTEL_TEST_DIR": str(tmp_path)}
    return subprocess.run(
        [script, *args],
        cwd=tmp_path,
        env=clean | (env or {}),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_endpoint_variable_turns_tracing_and_metrics_on(
    tmp_path: Path, receiver: Receiver
) -> None:
    done = dotflow(
        tmp_path,
        "start",
        "--step",
        "otel_steps.flaky",
        "--workflow-id",
        "nightly",
        env={"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_SERVICE_NAME": "etl"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"{ANNOUNCE} through dotflow-otel (--tracer default --metrics default turns this off)"
    ]
    spans = receiver.spans()
    (root,) = by_name(spans, "dotflow workflow")
    assert root["attributes"]["dotflow.workflow.id"] == "nightly"
    assert root["resource"]["service.name"] == "etl"
    attempts = by_name(spans, "task flaky")
    assert len(attempts) == 3
    assert all(span["parent"] == root["span_id"] for span in attempts)
    points = receiver.points()
    (tasks,) = [p for p in points if p["name"] == "dotflow.tasks"]
    assert tasks["attributes"] == {"dotflow.task.step": "flaky", "dotflow.task.status": "Completed"}
    assert receiver.logs() == []  # logs only with --log otel


def test_flags_choose_and_turn_off_adapters(tmp_path: Path, receiver: Receiver) -> None:
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url}
    done = dotflow(
        tmp_path,
        "start",
        "--step",
        "otel_steps.extract",
        "--mode",
        "parallel",
        "--tracer",
        "default",
        "--log",
        "otel",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "dotflow: OTEL_EXPORTER_OTLP_ENDPOINT is set: sending metrics there through "
        "dotflow-otel (--metrics default turns this off)"
    ]
    assert receiver.spans() == []
    assert [r["attributes"]["dotflow.task.status"] for r in receiver.logs()] == [
        "In progress",
        "Completed",
    ]
    assert any(p["name"] == "dotflow.tasks" for p in receiver.points())


def test_explicit_otel_without_the_variable_and_a_failing_run(
    tmp_path: Path, receiver: Receiver
) -> None:
    done = dotflow(
        tmp_path,
        "start",
        "--step",
        "otel_steps.broken",
        "--tracer",
        "otel",
        "--metrics",
        "otel",
        "--mode",
        "background",
        env={"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"{receiver.url}/v1/traces"},
    )
    assert done.returncode == 1, done.stderr
    assert ANNOUNCE not in done.stderr
    spans = receiver.spans()
    assert [s["attributes"]["dotflow.task.status"] for s in by_name(spans, "task broken")] == [
        "Retry",
        "Failed",
    ]
    assert receiver.points() == []  # no endpoint for metrics: recorded, not exported


def test_unknown_names_are_bad_input(tmp_path: Path) -> None:
    done = dotflow(tmp_path, "start", "--step", "otel_steps.extract", "--tracer", "jaeger")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "jaeger" in done.stderr and "otel" in done.stderr


def test_a_dead_receiver_does_not_fail_the_command(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = dotflow(
        tmp_path,
        "start",
        "--step",
        "otel_steps.extract",
        env={
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{port}",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "2",
        },
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 2, done.stderr  # the announcement, and one line about the receiver
    assert lines[0].startswith(ANNOUNCE)
    assert "dotflow-otel: could not export" in lines[1]
    assert "Traceback" not in done.stderr


def test_schedule_takes_the_same_flags(tmp_path: Path) -> None:
    done = dotflow(tmp_path, "schedule", "--help")
    assert done.returncode == 0
    for flag in ("--tracer NAME", "--metrics NAME", "--log NAME"):
        assert flag in done.stdout
