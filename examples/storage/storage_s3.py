"""Keep every task's result in Amazon S3, then resume a workflow from what S3 holds.

Needs ``pip install dotflow-core dotflow-aws`` and a bucket you can write to::

    DOTFLOW_S3_BUCKET=my-bucket python examples/storage/storage_s3.py

Credentials and region come from the usual AWS settings (environment, profile, role). To try it on
an S3-compatible server instead of AWS, point ``AWS_ENDPOINT_URL`` at it, for example
``AWS_ENDPOINT_URL=http://127.0.0.1:9000``.
"""

from __future__ import annotations

import os

from dotflow import Config, Context, DotFlow, action
from dotflow.providers import StorageS3


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
    storage = StorageS3(
        bucket=os.environ.get("DOTFLOW_S3_BUCKET", "my-bucket"),
        prefix="pipelines/",
        region=os.environ.get("AWS_REGION"),
    )
    # A fixed workflow id: results land under s3://{bucket}/pipelines/users-report/{task}.json
    # and a later run with resume=True reuses them instead of running the steps again.
    workflow = DotFlow(config=Config(storage=storage), workflow_id="users-report")
    workflow.task.add(step=extract)
    workflow.task.add(step=transform)
    workflow.task.add(step=load)
    workflow.start()

    for task in workflow.result_task():
        where = f"s3://{storage.bucket}/{storage.object_name(storage.key(task))}"
        print(f"task {task.task_id} {task.status.value}: {where}")
    print(storage.get("users-report/3").storage)

    # Every result is in S3 already, so the resumed run prints no "running ..." line.
    again = workflow.start(resume=True)
    print(f"resumed run: {again.status.value}")


if __name__ == "__main__":
    main()
