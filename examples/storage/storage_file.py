"""StorageFile keeps one JSON document per task under {path}/{workflow_id}/{task_id}.json."""
# expect: stored: 1.json, 2.json

import sys
import tempfile
from pathlib import Path

from dotflow import Config, DotFlow, action
from dotflow.providers import StorageFile


@action
def produce():
    return {"rows": [1, 2, 3]}


@action
def total(previous_context):
    return sum(previous_context.storage["rows"])


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp())
    workflow = DotFlow(config=Config(storage=StorageFile(path=folder)), workflow_id="file-demo")
    workflow.task.add(step=[produce, total])
    workflow.start()
    names = sorted(p.name for p in (folder / "file-demo").glob("[0-9]*.json"))
    print("stored:", ", ".join(names))
