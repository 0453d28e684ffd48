"""Overlap strategies: what a tick does while the previous run is still going.

Each run here takes 1.5 s and the cron fires every second:
- "skip" (default) drops the ticks that come while a run is active;
- "queue" keeps one of them and starts it as soon as the current run ends;
- "parallel" starts them alongside, up to max_parallel (10 by default) at once.

    python examples/cron/overlap.py queue      # or skip, parallel
"""
# expect: overlap=queue: 3 runs, 2 queued ticks, at most 1 at once

import sys
import threading
import time

from dotflow import Config, DotFlow, action
from dotflow.providers import SchedulerCron

lock = threading.Lock()
active = []
peak = []


@action
def slow_job():
    with lock:
        active.append(1)
        peak.append(len(active))
    time.sleep(1.5)
    with lock:
        active.pop()


if __name__ == "__main__":
    overlap = sys.argv[1] if len(sys.argv) > 1 else "queue"
    # A real schedule would be e.g. SchedulerCron(cron="*/5 * * * *", overlap="queue").
    scheduler = SchedulerCron(cron="* * * * * *", overlap=overlap, max_parallel=2, max_runs=3)
    workflow = DotFlow(config=Config(scheduler=scheduler))
    workflow.task.add(step=slow_job)
    workflow.schedule()

    stats = scheduler.stats
    print(
        f"overlap={overlap}: {stats.finished} runs, {stats.queued} queued ticks, "
        f"at most {max(peak)} at once"
    )
