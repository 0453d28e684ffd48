"""Use both contexts: the previous result and this task's own input."""
# expect: Hello, World!

from dotflow import DotFlow, action


@action
def step_one():
    return "Hello"


@action
def step_two(previous_context, initial_context):
    return f"{previous_context.storage}, {initial_context.storage}!"


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=step_one)
    workflow.task.add(step=step_two, initial_context="World")
    workflow.start()
    print(workflow.result_storage()[-1])
