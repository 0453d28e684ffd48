"""result_task(): the Task objects of the latest run."""
# expect: Task 2: Completed in

from dotflow import DotFlow, action


@action
def a():
    return "a"


@action
def b(previous_context):
    return previous_context.storage * 2


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=[a, b])
    workflow.start()
    for task in workflow.result_task():
        print(f"Task {task.task_id}: {task.status} in {task.duration:.6f} s")
