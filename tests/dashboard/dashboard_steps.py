"""A workflow for the browser test: the first step waits for a gate file, one step retries."""

from __future__ import annotations

import os
import time
from pathlib import Path

from dotflow import DotFlow, action


@action
def extract() -> dict[str, int]:
    """Waits (bounded) until the test opens the gate: the page is open while the run goes on."""
    gate = Path(os.environ["DASHBOARD_GATE"])
    deadline = time.monotonic() + 120
    while not gate.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never opened the gate")
        time.sleep(0.05)
    return {"rows": 150}


_attempts = {"transform": 0}


@action(retry=2, retry_delay=0.2)
def transform(previous_context):  # type: ignore[no-untyped-def]
    """Fails its first attempt, so the page shows a retry."""
    _attempts["transform"] += 1
    if _attempts["transform"] == 1:
        raise ConnectionError("the source hung up (first attempt)")
    return {"rows": previous_context.storage["rows"], "clean": True}


@action
def load(previous_context):  # type: ignore[no-untyped-def]
    """Returns what it loaded."""
    return {"loaded": previous_context.storage["rows"]}


def main() -> DotFlow:
    """The workflow factory for ``dotflow start --workflow dashboard_steps.main``."""
    workflow = DotFlow()
    workflow.task.add(step=extract)
    workflow.task.add(step=transform)
    workflow.task.add(step=load)
    return workflow
