"""result_context(): one Context per task."""
# expect: task 2 of workflow ctx-demo stored 'aa'

from dotflow import DotFlow, action


@action
def a():
    return "a"


@action
def b(previous_context):
    return previous_context.storage * 2


if __name__ == "__main__":
    workflow = DotFlow(workflow_id="ctx-demo")
    workflow.task.add(step=[a, b])
    workflow.start()
    for context in workflow.result_context():
        print(
            f"task {context.task_id} of workflow {context.workflow_id} stored {context.storage!r}"
        )
