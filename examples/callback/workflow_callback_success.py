"""on_success runs when every task completed."""
# expect: All 2 tasks completed!

from dotflow import DotFlow, action


@action
def step():
    return "ok"


def on_success(tasks):
    print(f"All {len(tasks)} tasks completed!")


def on_failure(tasks):
    print("Something went wrong.")


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=[step, step])
    workflow.start(on_success=on_success, on_failure=on_failure)
