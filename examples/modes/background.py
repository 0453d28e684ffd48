"""Background mode: start() returns at once; wait() when you need the results."""
# expect: still running: True / finished: Completed

import time

from dotflow import DotFlow, action


@action
def slow():
    time.sleep(0.3)
    return "done"


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=slow)
    run = workflow.start(mode="background")
    print("still running:", not run.done(), end=" / ")
    run.wait()
    print("finished:", run.status)
