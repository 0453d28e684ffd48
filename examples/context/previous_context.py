"""Each task receives the previous task's result as previous_context."""
# expect: [1, 2, 4, 8]

from dotflow import DotFlow, action


@action
def start():
    return 1


@action
def double(previous_context):
    return previous_context.storage * 2


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=[start, double, double, double])
    workflow.start()
    print(workflow.result_storage())
