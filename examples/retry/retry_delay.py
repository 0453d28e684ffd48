"""retry_delay waits between attempts."""
# expect: waited at least 0.2 s between 2 attempts

import time

from dotflow import DotFlow, action

stamps = []


@action(retry=2, retry_delay=0.2)
def flaky():
    stamps.append(time.monotonic())
    if len(stamps) < 2:
        raise TimeoutError("slow upstream")


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=flaky)
    workflow.start()
    if stamps[1] - stamps[0] >= 0.2:
        print(f"waited at least 0.2 s between {len(stamps)} attempts")
