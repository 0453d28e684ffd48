"""First steps: three chained tasks and a callback.

Run: python examples/first_steps.py
"""
# expect: Loaded 120 active users

from dotflow import DotFlow, action


@action
def extract():
    return {"users": 150}


@action
def transform(previous_context):
    total = previous_context.storage["users"]
    return {"users": total, "active": int(total * 0.8)}


@action
def load(previous_context):
    print(f"Loaded {previous_context.storage['active']} active users")


def announce(task):
    print(f"task {task.task_id} ({task.step_name}): {task.status}")


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=extract, callback=announce)
    workflow.task.add(step=transform, callback=announce)
    workflow.task.add(step=load, callback=announce)
    workflow.start()
