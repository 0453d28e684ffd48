"""Resume a workflow from where it left off (fixed workflow_id + persistent storage).

The first run fails at step_c; after the "fix", start(resume=True) skips step_a and step_b.
"""
# expect: second run executed: ['step_c']

import sys
import tempfile

from dotflow import Config, DotFlow, action
from dotflow.providers import StorageFile

executed = []
broken = {"step_c": True}


@action
def step_a():
    executed.append("step_a")
    return 1


@action
def step_b(previous_context):
    executed.append("step_b")
    return previous_context.storage + 1


@action
def step_c(previous_context):
    executed.append("step_c")
    if broken["step_c"]:
        raise RuntimeError("bug in step_c")
    return previous_context.storage + 1


def build(path):
    config = Config(storage=StorageFile(path=path))
    workflow = DotFlow(config=config, workflow_id="my-pipeline-v1")
    workflow.task.add(step=step_a)
    workflow.task.add(step=step_b)
    workflow.task.add(step=step_c)
    return workflow


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp()
    workflow = build(path)
    workflow.start()  # first run: executes all tasks and saves checkpoints; step_c fails
    print("first run executed:", executed)
    broken["step_c"] = False  # the fix
    executed.clear()
    workflow.start(resume=True)  # skips step_a and step_b
    print("second run executed:", executed, "->", workflow.result_storage())
