"""A 24-task file-storage workflow, run (and killed) by test_kill_resume.py.

Usage: python kill_flow.py STORAGE_DIR LEDGER_FILE (fresh|resume)

Every task appends "started N" and "finished N" lines to the ledger (one write each), so the test
can count executions; the values chain, so a wrong restore changes the final results.
"""

from __future__ import annotations

import os
import sys
import time

from dotflow import Config, DotFlow, action
from dotflow.providers import StorageFile

TASKS = 24


def _ledger(line: str) -> None:
    fd = os.open(sys.argv[2], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


@action
def step(previous_context, initial_context, task):
    _ledger(f"started {task.task_id}")
    time.sleep(0.004)
    before = previous_context.storage or {"total": 0, "seen": []}
    value = {
        "total": before["total"] + initial_context.storage,
        "seen": [*before["seen"], task.task_id],
        "pad": "z" * 20_000,
    }
    _ledger(f"finished {task.task_id}")
    return value


def build() -> DotFlow:
    workflow = DotFlow(config=Config(storage=StorageFile(path=sys.argv[1])), workflow_id="killable")
    for i in range(1, TASKS + 1):
        workflow.task.add(step=step, initial_context=i * i)
    return workflow


if __name__ == "__main__":
    run = build()
    run.start(resume=sys.argv[3] == "resume")
    print("DONE", all(t.status.value == "Completed" for t in run.result_task()))
