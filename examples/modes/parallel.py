"""Parallel mode: every task runs in its own process, all at the same time."""
# expect: 3 tasks in 3 processes

import os
import time

from dotflow import DotFlow, action


@action
def work(initial_context):
    time.sleep(0.2)
    return {"task": initial_context.storage, "pid": os.getpid()}


if __name__ == "__main__":
    workflow = DotFlow()
    for name in ("a", "b", "c"):
        workflow.task.add(step=work, initial_context=name)
    workflow.start(mode="parallel")
    pids = {result["pid"] for result in workflow.result_storage()}
    print(f"{len(workflow.result_storage())} tasks in {len(pids)} processes")
