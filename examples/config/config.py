"""Config picks an adapter per port: storage, notify, log, server, scheduler."""
# expect: Config(storage=StorageFile

import tempfile

from dotflow import Config, DotFlow, action
from dotflow.providers import LogDefault, NotifyDefault, StorageFile


@action
def step():
    return "configured"


if __name__ == "__main__":
    config = Config(
        storage=StorageFile(path=tempfile.mkdtemp()),
        notify=NotifyDefault(),
        log=LogDefault(level="WARNING"),
    )
    workflow = DotFlow(config=config)
    workflow.task.add(step=step)
    workflow.start()
    print(repr(config)[:30])
