"""Log records as an OTLP receiver gets them, linked to the spans of their tasks."""

from __future__ import annotations

from pathlib import Path

import otel_steps
import pytest
from otel_support import Providers, by_name
from otlp_receiver import Receiver

from dotflow import Config, DotFlow
from dotflow.otel import LogOpenTelemetry, TracerOpenTelemetry


@pytest.fixture(autouse=True)
def attempts_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TEST_DIR", str(tmp_path))


@pytest.mark.parametrize("mode", ["sequential", "parallel"])
def test_a_record_per_status_change_in_its_span(
    providers: Providers, receiver: Receiver, mode: str
) -> None:
    config = Config(
        log=LogOpenTelemetry(logger_provider=providers.logger),
        tracer=TracerOpenTelemetry(tracer_provider=providers.tracer),
    )
    workflow = DotFlow(config=config, workflow_id=f"logged-{mode}")
    workflow.task.add(step=otel_steps.flaky)
    workflow.task.add(step=otel_steps.broken)
    workflow.start(mode=mode, keep_going=True).wait(60)
    providers.flush()
    assert receiver.wait_for(lambda: len(receiver.logs()) >= 7)
    records = receiver.logs()
    flaky = [r for r in records if r["attributes"]["dotflow.task.step"] == "flaky"]
    assert [r["attributes"]["dotflow.task.status"] for r in flaky] == [
        "In progress",
        "Retry",
        "Retry",
        "Completed",
    ]
    assert [r["severity"] for r in flaky] == ["INFO", "WARN", "WARN", "INFO"]
    assert flaky[0]["body"] == f"ID logged-{mode} - 1 - In progress"
    assert flaky[0]["attributes"]["dotflow.workflow.id"] == f"logged-{mode}"
    broken = [r for r in records if r["attributes"]["dotflow.task.step"] == "broken"]
    assert broken[-1]["severity"] == "ERROR"
    assert broken[-1]["body"] == f"ID logged-{mode} - 2 - Failed - ValueError: bad row 7"
    assert broken[-1]["attributes"]["exception.type"] == "ValueError"
    assert "Traceback" in broken[-1]["attributes"]["exception.stacktrace"]

    spans = receiver.spans()
    (root,) = by_name(spans, "dotflow workflow")
    attempts = sorted(by_name(spans, "task flaky"), key=lambda span: span["start"])
    assert {r["trace_id"] for r in records} == {root["trace_id"]}
    # A record is in the span of the attempt it reports; "In progress" is before any attempt.
    assert flaky[0]["span_id"] == root["span_id"]
    assert [r["span_id"] for r in flaky[1:]] == [a["span_id"] for a in attempts]


def test_level_filters_what_is_emitted(providers: Providers, receiver: Receiver) -> None:
    log = LogOpenTelemetry(level="WARNING", logger_provider=providers.logger)
    workflow = DotFlow(config=Config(log=log), workflow_id="quiet")
    workflow.task.add(step=otel_steps.extract)
    workflow.task.add(step=otel_steps.broken)
    workflow.start(keep_going=True)
    providers.flush()
    assert receiver.wait_for(lambda: len(receiver.logs()) >= 2)
    assert [r["severity"] for r in receiver.logs()] == ["WARN", "ERROR"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": "LOUD"}, "LogOpenTelemetry(level='LOUD'): use one of DEBUG, INFO"),
        ({"output": "both"}, "LogOpenTelemetry(output='both'): use None, 'console' or 'file'"),
        ({"format": "xml"}, "LogOpenTelemetry(format='xml'): use 'text' or 'json'"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        LogOpenTelemetry(**kwargs)


def test_a_local_copy_through_log_default(providers: Providers, tmp_path: Path) -> None:
    path = tmp_path / "flow.log"
    log = LogOpenTelemetry(
        output="file", path=path, format="simple", logger_provider=providers.logger
    )
    workflow = DotFlow(config=Config(log=log), workflow_id="copied")
    workflow.task.add(step=otel_steps.extract)
    workflow.start()
    lines = path.read_text().splitlines()
    assert [line.split("[dotflow]: ")[1] for line in lines] == [
        "ID copied - 1 - In progress",
        "ID copied - 1 - Completed",
    ]
