"""A Context holds a value with the ids of the task and workflow that produced it."""
# expect: storage={'answer': 42} task_id=1

from dotflow import Context

if __name__ == "__main__":
    context = Context(storage={"answer": 42}, task_id=1, workflow_id="demo")
    print(f"storage={context.storage} task_id={context.task_id} at {context.time:%H:%M}")
