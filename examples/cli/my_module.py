"""Steps for the command lines of the README's CLI section (run them from this folder).

dotflow start --step my_module.my_task
dotflow start --step my_module.my_task --initial-context '{"key": "value"}'
dotflow start --step my_module.my_task --callback my_module.on_done
"""

from dotflow import action


@action
def my_task(initial_context):
    """Echo what it was given, so the stored result shows the initial context arrived."""
    return {"received": initial_context.storage}


def on_done(task):
    """A task callback: called with the finished task."""
    print(f"on_done: task {task.task_id} finished with status {task.status.value}")
