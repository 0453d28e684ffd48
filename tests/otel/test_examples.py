"""examples/otel runs against a real OTLP receiver and sends the span tree it describes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from otel_support import by_name
from otlp_receiver import Receiver

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "otel"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.py")), ids=lambda path: path.name)
def test_example(path: Path, receiver: Receiver, tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "DOTFLOW_"))}
    done = subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        env=clean | {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_SERVICE_NAME": "reports"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    expected = re.search(r"^# expect: (.+)$", path.read_text(), re.MULTILINE)
    assert expected is not None
    assert expected.group(1) in done.stdout
    if path.name != "traced_request.py":
        return
    spans = receiver.spans()
    (request,) = by_name(spans, "POST /reports")
    (root,) = by_name(spans, "dotflow workflow")
    assert root["parent"] == request["span_id"]
    assert {span["trace_id"] for span in spans} == {request["trace_id"]}
    loads = sorted(by_name(spans, "task load"), key=lambda span: span["start"])
    inserts = sorted(by_name(spans, "INSERT report"), key=lambda span: span["start"])
    assert [span["parent"] for span in inserts] == [span["span_id"] for span in loads]
    assert loads[0]["events"][0][1]["exception.type"] == "ConnectionError"
    assert {span["resource"]["service.name"] for span in spans} == {"reports"}
    assert any(point["name"] == "dotflow.tasks" for point in receiver.points())
