"""Give each task its own input with initial_context."""
# expect: ['HELLO', 'WORLD']

from dotflow import DotFlow, action


@action
def upper(initial_context):
    return initial_context.storage.upper()


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=upper, initial_context="hello")
    workflow.task.add(step=upper, initial_context="world")
    workflow.start()
    print(workflow.result_storage())
