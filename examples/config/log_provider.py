"""LogDefault can print to the console (text or JSON lines) when you ask for it."""
# expect: "status": "Completed"

import logging
import sys

from dotflow import Config, DotFlow, action
from dotflow.providers import LogDefault


@action
def step():
    return "ok"


if __name__ == "__main__":
    log = LogDefault(level="INFO", output="console", format="json")
    for handler in logging.getLogger("dotflow").handlers:
        handler.setStream(sys.stdout)
    workflow = DotFlow(config=Config(log=log))
    workflow.task.add(step=step)
    workflow.start()
