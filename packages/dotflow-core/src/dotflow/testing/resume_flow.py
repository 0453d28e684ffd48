"""A five-step workflow for resume tests, run in its own process by :class:`ResumeContract`.

Usage: ``python -m dotflow.testing.resume_flow STORAGE WORKFLOW_ID {fresh|resume}``, where
STORAGE is an entry-point name in ``dotflow.storage`` whose adapter configures itself from the
environment (``file`` uses ``.output`` in the current directory). Every step appends a line to
``$DOTFLOW_TEST_MARKS/task{n}`` so a test can count executions; on the first run (no ``killed``
mark yet) step 3 kills its own process with SIGKILL. Steps are importable for CLI tests too
(``dotflow start --step dotflow.testing.resume_flow.step1``).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

from dotflow.core.action import action
from dotflow.core.config import Config
from dotflow.core.context import Context
from dotflow.core.workflow import DotFlow

__all__ = ["STEPS", "step1", "step2", "step3", "step4", "step5"]


def _mark(n: int) -> None:
    with open(Path(os.environ["DOTFLOW_TEST_MARKS"]) / f"task{n}", "a") as handle:
        handle.write("ran\n")


@action
def step1() -> list[int]:
    _mark(1)
    return [1]


@action
def step2(previous_context: Context) -> list[int]:
    _mark(2)
    return [*previous_context.storage, 2]


@action
def step3(previous_context: Context) -> list[int]:
    _mark(3)
    killed = Path(os.environ["DOTFLOW_TEST_MARKS"]) / "killed"
    if not killed.exists():
        killed.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return [*previous_context.storage, 3]


@action
def step4(previous_context: Context) -> list[int]:
    _mark(4)
    return [*previous_context.storage, 4]


@action
def step5(previous_context: Context) -> list[int]:
    _mark(5)
    return [*previous_context.storage, 5]


STEPS = (step1, step2, step3, step4, step5)


def main(storage_name: str, workflow_id: str, how: str) -> None:
    from dotflow.core import registry

    storage = registry.load("storage", storage_name)()
    workflow = DotFlow(Config(storage=storage), workflow_id=workflow_id)
    workflow.task.add(list(STEPS))
    run = workflow.start(resume=how == "resume")
    print(json.dumps({"status": run.status.value, "results": workflow.result_storage()}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
