"""Kill a running workflow with SIGKILL, then resume it: finished tasks are not run again.

Run: python examples/checkpoint/kill_and_resume.py
"""
# expect: resumed: ran tasks [4, 5, 6] -> total 21

import signal
import subprocess
import sys
import tempfile
import time

from dotflow import Config, DotFlow, action
from dotflow.providers import StorageFile


@action
def add(previous_context, initial_context, task):
    print(task.task_id, flush=True)  # lets the parent see progress
    if initial_context.storage == 4 and sys.argv[1:2] == ["run"]:
        time.sleep(60)  # the first run hangs here until it is killed
    return (previous_context.storage or 0) + initial_context.storage


def build(folder: str) -> DotFlow:
    workflow = DotFlow(Config(storage=StorageFile(path=folder)), workflow_id="kill-demo")
    for value in range(1, 7):
        workflow.task.add(step=add, initial_context=value)
    return workflow


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"]:  # the child: a plain run
        build(sys.argv[2]).start()
        sys.exit(0)
    folder = tempfile.mkdtemp()
    child = subprocess.Popen(
        [sys.executable, __file__, "run", folder], stdout=subprocess.PIPE, text=True
    )
    while child.stdout.readline().strip() != "4":  # tasks 1-3 are done and stored
        pass
    child.send_signal(signal.SIGKILL)
    child.wait()

    workflow = build(folder)  # a brand-new process and workflow object, same id
    workflow.start(resume=True)
    # Restored tasks report Completed with their stored result and a duration of 0.
    ran = [t.task_id for t in workflow.result_task() if t.duration]
    print(f"resumed: ran tasks {ran} -> total {workflow.result_storage()[-1]}")
