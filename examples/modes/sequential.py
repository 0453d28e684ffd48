"""Sequential mode (the default): one task after another in the caller's thread."""
# expect: ['a', 'ab', 'abc']

from dotflow import DotFlow, action


@action
def a():
    return "a"


@action
def b(previous_context):
    return previous_context.storage + "b"


@action
def c(previous_context):
    return previous_context.storage + "c"


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=[a, b, c])
    workflow.start(mode="sequential")
    print(workflow.result_storage())
