"""retry is the total number of attempts; a step that recovers completes."""
# expect: Completed after 3 attempts

from dotflow import DotFlow, action

calls = {"n": 0}


@action(retry=3, retry_delay=0)
def flaky():
    calls["n"] += 1
    if calls["n"] < 3:
        raise ConnectionError("try again")
    return "ok"


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=flaky)
    workflow.start()
    print(workflow.result_task()[0].status, "after", calls["n"], "attempts")
