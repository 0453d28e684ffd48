"""Keep every task's result in Google Cloud Storage, then resume a workflow from what it holds.

Needs ``pip install dotflow-core dotflow-gcp`` and a bucket you can write to::

    DOTFLOW_GCS_BUCKET=my-bucket python examples/storage/storage_gcs.py

Credentials and project come from Application Default Credentials
(``gcloud auth application-default login`` or ``GOOGLE_APPLICATION_CREDENTIALS``). To try it on
a local emulator instead, set ``STORAGE_EMULATOR_HOST=http://127.0.0.1:9023``: no credentials are
needed then.
"""

from __future__ import annotations

import os

from dotflow import Config, Context, DotFlow, action
from dotflow.providers import StorageGCS


@action
def extract() -> dict[str, int]:
    print("running extract")
    return {"users": 150}


@action
def transform(previous_context: Context) -> dict[str, int]:
    print("running transform")
    total = previous_context.storage["users"]
    return {"users": total, "active": int(total * 0.8)}


@action
def load(previous_context: Context) -> str:
    print("running load")
    return f"loaded {previous_context.storage['active']} active users"


def main() -> None:
    storage = StorageGCS(
        bucket=os.environ.get("DOTFLOW_GCS_BUCKET", "my-bucket"),
        prefix="pipelines/",
        project=os.environ.get("GOOGLE_CLOUD_PROJECT"),
    )
    # A fixed workflow id: results land under gs://{bucket}/pipelines/users-report/{task}.json
    # and a later run with resume=True reuses them instead of running the steps again.
    workflow = DotFlow(config=Config(storage=storage), workflow_id="users-report")
    workflow.task.add(step=extract)
    workflow.task.add(step=transform)
    workflow.task.add(step=load)
    workflow.start()

    for task in workflow.result_task():
        where = f"gs://{storage.bucket}/{storage.object_name(storage.key(task))}"
        print(f"task {task.task_id} {task.status.value}: {where}")
    print(storage.get("users-report/3").storage)

    # Every result is in Cloud Storage already, so the resumed run prints no "running ..." line.
    again = workflow.start(resume=True)
    print(f"resumed run: {again.status.value}")


if __name__ == "__main__":
    main()
