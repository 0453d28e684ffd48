"""backoff doubles the delay after each failed attempt: 0.1 s, 0.2 s, 0.4 s."""
# expect: delays grew: True

import itertools
import time

from dotflow import DotFlow, action

stamps = []


@action(retry=4, retry_delay=0.1, backoff=True)
def unreliable():
    stamps.append(time.monotonic())
    raise RuntimeError("still down")


if __name__ == "__main__":
    workflow = DotFlow()
    workflow.task.add(step=unreliable)
    workflow.start()
    delays = [b - a for a, b in itertools.pairwise(stamps)]
    print("delays grew:", delays[0] >= 0.1 and delays[1] >= 0.2 and delays[2] >= 0.4)
