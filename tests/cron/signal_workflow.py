"""A scheduled workflow for the signal tests: ``python signal_workflow.py LOG MODE``.

Every run appends "started", sleeps 2 s, then appends "finished" to LOG.
"""

from __future__ import annotations

import sys
import time

from dotflow import Config, DotFlow, action
from dotflow.cron import SchedulerCron


@action
def slow(initial_context: object) -> None:
    log = initial_context.storage  # type: ignore[attr-defined]
    with open(log, "a") as file:
        file.write("started\n")
    time.sleep(2)
    with open(log, "a") as file:
        file.write("finished\n")


if __name__ == "__main__":
    log, mode = sys.argv[1], sys.argv[2]
    scheduler = SchedulerCron(cron="*/1 * * * * *")
    workflow = DotFlow(config=Config(scheduler=scheduler))
    workflow.task.add(step=slow, initial_context=log)
    workflow.schedule(mode=mode)
    print(f"scheduler stopped after {scheduler.stats.finished} run(s)", flush=True)
