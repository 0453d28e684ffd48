"""A custom notifier: implement dotflow.abc.Notify.send(task)."""
# expect: notified: 1 In progress, 1 Completed

from dotflow import Config, DotFlow, action
from dotflow.abc import Notify


class PrintNotify(Notify):
    def __init__(self):
        self.seen = []

    def send(self, task):
        self.seen.append(f"{task.task_id} {task.status}")


@action
def step():
    return "ok"


if __name__ == "__main__":
    notify = PrintNotify()
    workflow = DotFlow(config=Config(notify=notify))
    workflow.task.add(step=step)
    workflow.start()
    print("notified:", ", ".join(notify.seen))
