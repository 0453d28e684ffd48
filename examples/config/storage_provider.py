"""Swap the storage: in memory by default, files with StorageFile."""
# expect: memory: [1] / file: [1]

import tempfile

from dotflow import Config, DotFlow, action
from dotflow.providers import StorageDefault, StorageFile


@action
def one():
    return 1


def run(storage):
    workflow = DotFlow(config=Config(storage=storage))
    workflow.task.add(step=one)
    workflow.start()
    return workflow.result_storage()


if __name__ == "__main__":
    print(f"memory: {run(StorageDefault())} / file: {run(StorageFile(path=tempfile.mkdtemp()))}")
