"""A step with a callback named on the command line.

    dotflow start --step docs_src.cli.cli_with_callback.simple_step \
        --callback docs_src.cli.cli_with_callback.callback
"""

from dotflow import action


@action
def simple_step():
    return {"rows": 3}


def callback(task):
    print(
        f"callback: task {task.task_id} is {task.status.value} with {task.current_context.storage}"
    )
