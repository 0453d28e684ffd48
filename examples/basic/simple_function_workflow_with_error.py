"""Inspecting a failed task: status, attempts, exception and message."""
# expect: Failed after 2 attempts: ZeroDivisionError: division by zero

from dotflow import DotFlow, action


@action(retry=2, retry_delay=0)
def divide():
    return 1 / 0


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=divide)
    workflow.start()
    task = workflow.result_task()[0]
    last = task.errors[-1]
    print(f"{task.status} after {len(task.errors)} attempts: {last.exception}: {last.message}")
