"""on_failure runs when a task failed."""
# expect: Something went wrong in task 1.

from dotflow import DotFlow, action


@action
def broken():
    raise ValueError("bad input")


def on_failure(tasks):
    failed = [task.task_id for task in tasks if task.errors]
    print(f"Something went wrong in task {failed[0]}.")


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=broken)
    workflow.start(on_failure=on_failure)
