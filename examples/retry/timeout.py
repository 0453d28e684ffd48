"""timeout bounds each attempt; a timed-out attempt is retried, then the task fails."""
# expect: Failed: TaskTimeoutError x2

import time

from dotflow import DotFlow, action


@action(timeout=0.2, retry=2, retry_delay=0)
def hangs():
    time.sleep(30)


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=hangs)
    workflow.start()
    task = workflow.result_task()[0]
    kinds = {error.exception for error in task.errors}
    print(f"{task.status}: {', '.join(kinds)} x{len(task.errors)}")
