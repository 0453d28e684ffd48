"""Every failed attempt is kept: attempt number, exception type, message and traceback."""
# expect: attempt 2: KeyError 'missing'

from dotflow import DotFlow, action


@action(retry=2, retry_delay=0)
def lookup():
    return {}["missing"]


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=lookup)
    workflow.start()
    for task in workflow.result_task():
        print(f"Task {task.task_id}: {task.status}, {task.retry_count} retry")
        for error in task.errors:
            print(f"  attempt {error.attempt}: {error.exception} {error.message}")
        print(task.errors[-1].traceback.splitlines()[-1])
