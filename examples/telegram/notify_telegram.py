"""Telegram notifications on failure (the seed README's example).

Set TELEGRAM_TOKEN and TELEGRAM_CHAT_ID to your bot's token and your chat id. To try it without
Telegram, start the fake Bot API server of the tests and point the example at it:

    python tests/telegram/fake_bot_api.py          # prints e.g. http://127.0.0.1:40123
    TELEGRAM_BASE_URL=http://127.0.0.1:40123 python examples/telegram/notify_telegram.py
"""
# expect: workflow Failed; Telegram was told about the failure of task 2 (1 message delivered)

import os

from dotflow import Config, DotFlow, action
from dotflow.core.types.status import TypeStatus
from dotflow.providers import NotifyTelegram


@action
def extract():
    return {"users": 150}


@action
def load(previous_context):
    raise ConnectionError(f"the warehouse refused {previous_context.storage['users']} users")


if __name__ == "__main__":
    notify = NotifyTelegram(
        token=os.environ.get("TELEGRAM_TOKEN", "YOUR_BOT_TOKEN"),
        chat_id=int(os.environ.get("TELEGRAM_CHAT_ID", "123456789")),
        notification_type=TypeStatus.FAILED,  # only notify on failures (optional)
        base_url=os.environ.get("TELEGRAM_BASE_URL"),  # None: Telegram's own servers
    )
    config = Config(notify=notify)
    workflow = DotFlow(config=config)
    workflow.task.add(step=extract)
    workflow.task.add(step=load)
    run = workflow.start()  # delivery is over (done or given up) before start() returns
    failed = [task.task_id for task in workflow.result_task() if task.status is TypeStatus.FAILED]
    # Say what actually happened to the message, not what was hoped for.
    if notify.undelivered:
        print(
            f"workflow {run.status}; Telegram was NOT told about the failure of task "
            f"{failed[0]}: {notify.last_error}"
        )
    else:
        print(
            f"workflow {run.status}; Telegram was told about the failure of task {failed[0]} "
            f"({notify.delivered} message delivered)"
        )
