"""A 40-task workflow on StorageFile whose results name the run that produced them.

Usage: ``python generation_flow.py ROOT TAG fresh|resume [KILL_AFTER]``. With ``KILL_AFTER``, the
process SIGKILLs itself after deleting that many old results while clearing (a fresh start
killed half-way through the clearing).
"""

from __future__ import annotations

import os
import signal
import sys

from dotflow import Config, DotFlow, action
from dotflow.providers import StorageFile

TASKS = 40
TAG = sys.argv[2]


@action
def produce(initial_context) -> str:
    return f"{TAG}-{initial_context.storage}"


class KilledWhileClearing(StorageFile):
    """Deletes old results one by one, and dies after ``kill_after`` of them."""

    def __init__(self, path: str, kill_after: int) -> None:
        super().__init__(path)
        self.kill_after = kill_after

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list_keys(prefix)
        for count, key in enumerate(keys):
            if count == self.kill_after:
                os.kill(os.getpid(), signal.SIGKILL)
            self._file(key).unlink(missing_ok=True)
        return len(keys)


if __name__ == "__main__":
    root, mode = sys.argv[1], sys.argv[3]
    storage = (
        KilledWhileClearing(root, int(sys.argv[4])) if len(sys.argv) > 4 else StorageFile(root)
    )
    workflow = DotFlow(Config(storage=storage), workflow_id="generations")
    for position in range(1, TASKS + 1):
        workflow.task.add(step=produce, initial_context=position)
    run = workflow.start(resume=mode == "resume")
    print(" ".join(task.current_context.storage for task in run.tasks))
