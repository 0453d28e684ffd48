"""Steps of the OpenTelemetry tests (a module, so parallel worker processes import them)."""

from __future__ import annotations

import os
from typing import Any

from dotflow import action


@action
def extract() -> dict[str, int]:
    return {"rows": 3}


@action(retry=3, retry_delay=0)
def flaky(task: Any) -> str:
    """Fails its first two attempts (counted in a file, so it works in worker processes too)."""
    marker = os.path.join(os.environ["OTEL_TEST_DIR"], f"{task.workflow_id}-{task.task_id}")
    with open(marker, "a") as attempts:
        attempts.write("x")
    with open(marker) as attempts:
        if len(attempts.read()) < 3:
            msg = "the database is not ready"
            raise ConnectionError(msg)
    return "loaded"


@action(retry=2, retry_delay=0)
def broken() -> None:
    msg = "bad row 7"
    raise ValueError(msg)


@action(retry=2, retry_delay=0)
def traced(task: Any) -> str:
    """Returns the span id current while it runs; its first attempt fails after noting it."""
    from opentelemetry import trace

    span_id = format(trace.get_current_span().get_span_context().span_id, "016x")
    marker = os.path.join(os.environ["OTEL_TEST_DIR"], f"traced-{task.workflow_id}")
    if not os.path.exists(marker):
        with open(marker, "w") as first:
            first.write(span_id)
        msg = "first attempt"
        raise RuntimeError(msg)
    with open(marker) as first:
        return f"{first.read()} {span_id}"
