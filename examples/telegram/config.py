"""One Config with every kind of adapter (the seed README's Config example).

File storage, Telegram notifications, the default log and a cron scheduler. `start()` runs once
now; `schedule()` would run on the cron. Set TELEGRAM_BASE_URL to try it against the fake Bot
API server of the tests (see notify_telegram.py).
"""
# expect: Completed: ['hello'] stored under

import os
import sys
import tempfile

from dotflow import Config, DotFlow, action
from dotflow.providers import LogDefault, NotifyTelegram, SchedulerCron, StorageFile


@action
def greet():
    return "hello"


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp()
    config = Config(
        storage=StorageFile(path=path),
        notify=NotifyTelegram(
            token=os.environ.get("TELEGRAM_TOKEN", "..."),
            chat_id=123,
            base_url=os.environ.get("TELEGRAM_BASE_URL"),
        ),
        log=LogDefault(),
        scheduler=SchedulerCron(cron="0 * * * *"),
    )
    workflow = DotFlow(config=config)
    workflow.task.add(step=greet)
    run = workflow.start()
    print(f"{run.status}: {workflow.result_storage()} stored under {path}")
