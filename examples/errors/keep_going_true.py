"""keep_going=True runs the remaining tasks after a failure."""
# expect: ['Completed', 'Failed', 'Completed']

from dotflow import DotFlow, action


@action
def ok():
    return "fine"


@action
def fails():
    raise RuntimeError("boom")


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=[ok, fails, ok])
    workflow.start(keep_going=True)
    print([task.status.value for task in workflow.result_task()])
