"""A per-task callback runs after the task finishes, whatever its status."""
# expect: Task 1 finished with status: Completed

from dotflow import DotFlow, action


@action
def my_step():
    return 1


def on_task_done(task):
    print(f"Task {task.task_id} finished with status: {task.status}")


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=my_step, callback=on_task_done)
    workflow.start()
