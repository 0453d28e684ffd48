"""A small pipeline a managed runner could launch: ``dotflow start --workflow pipeline.main``.

It knows nothing about the backend: the runner's environment (WORKFLOW_ID, SERVER_BASE_URL,
SERVER_USER_TOKEN) decides where its status goes.
"""

import time

from dotflow import DotFlow, action


@action
def extract():
    time.sleep(0.2)
    return {"users": 150}


@action
def transform(previous_context):
    time.sleep(0.2)
    total = previous_context.storage["users"]
    return {"users": total, "active": int(total * 0.8)}


@action
def load(previous_context):
    time.sleep(0.2)
    return f"loaded {previous_context.storage['active']} active users"


def main():
    """The workflow factory the CLI calls."""
    workflow = DotFlow()
    workflow.task.add(step=extract)
    workflow.task.add(step=transform)
    workflow.task.add(step=load)
    return workflow
