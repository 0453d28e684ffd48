"""result_storage(): the raw value each task returned."""
# expect: ['a', 'aa']

from dotflow import DotFlow, action


@action
def a():
    return "a"


@action
def b(previous_context):
    return previous_context.storage * 2


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=[a, b])
    workflow.start()
    print(workflow.result_storage())
