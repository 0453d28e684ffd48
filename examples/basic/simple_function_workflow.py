"""A workflow of plain functions."""
# expect: hello from dotflow

from dotflow import DotFlow, action


@action
def greet():
    return "hello from dotflow"


@action
def shout(previous_context):
    print(previous_context.storage)
    return previous_context.storage.upper()


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=[greet, shout])
    workflow.start()
    print(workflow.result_storage())
