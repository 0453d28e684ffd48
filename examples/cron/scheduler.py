"""Run a workflow on a cron schedule (the seed README's scheduler example).

`workflow.schedule()` blocks and starts a fresh run on every tick until Ctrl-C / SIGTERM (the
running run finishes first). To try it without waiting five minutes, use a seconds cron and a
run limit:

    DOTFLOW_CRON="* * * * * *" DOTFLOW_MAX_RUNS=2 python examples/cron/scheduler.py
"""
# expect: synced (run 2)

import os

from dotflow import Config, DotFlow, action
from dotflow.providers import SchedulerCron

runs = []


@action
def sync_data():
    runs.append(1)
    print(f"synced (run {len(runs)})", flush=True)
    return {"synced": True}


if __name__ == "__main__":
    cron = os.environ.get("DOTFLOW_CRON", "*/5 * * * *")
    max_runs = int(os.environ["DOTFLOW_MAX_RUNS"]) if "DOTFLOW_MAX_RUNS" in os.environ else None

    config = Config(scheduler=SchedulerCron(cron=cron, max_runs=max_runs))
    workflow = DotFlow(config=config)
    workflow.task.add(step=sync_data)
    workflow.schedule()
