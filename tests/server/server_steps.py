"""Steps and workflow factories the subprocess tests run (put on PYTHONPATH by conftest)."""

from __future__ import annotations

import os
import time

from dotflow import DotFlow, action


@action
def hello():
    return {"hello": "world"}


@action
def double(previous_context):
    value = (previous_context.storage or {}).get("n", 1)
    return {"n": value * 2}


@action
def boom():
    raise RuntimeError("step failed on purpose")


@action(retry=2, retry_delay=0)
def flaky(task):
    # Fails its first attempt, succeeds on the second.
    if task.retry_count == 0 and not task.errors:
        marker = os.environ.get("FLAKY_MARKER")
        if marker and not os.path.exists(marker):
            open(marker, "w").close()
            raise RuntimeError("first attempt fails")
    return "recovered"


@action
def nap():
    time.sleep(0.2)
    return "rested"


def three_tasks() -> DotFlow:
    """A factory for ``dotflow start --workflow``: three tasks."""
    workflow = DotFlow()
    workflow.task.add(step=hello)
    workflow.task.add(step=double)
    workflow.task.add(step=nap)
    return workflow


def two_groups() -> DotFlow:
    """A factory with two groups (they run side by side in sequential mode)."""
    workflow = DotFlow()
    workflow.task.add(step=hello, group_name="a")
    workflow.task.add(step=nap, group_name="a")
    workflow.task.add(step=double, group_name="b")
    workflow.task.add(step=nap, group_name="b")
    return workflow


def with_failure() -> DotFlow:
    """A factory whose second task fails."""
    workflow = DotFlow()
    workflow.task.add(step=hello)
    workflow.task.add(step=boom)
    return workflow


@action
def wait_until_seen(task):
    """Returns once the backend shows this task In progress: status flows during the run."""
    import json
    import urllib.request

    url = f"{os.environ['SERVER_BASE_URL']}/api/workflows/{task.workflow_id}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                shown = json.load(reply)
        except OSError:
            shown = {}
        for row in shown.get("tasks", []):
            if str(row["id"]) == str(task.task_id) and row["status"] == "In progress":
                return {"seen": row["history"]}
        time.sleep(0.02)
    raise RuntimeError("the backend never showed this task In progress while it ran")
