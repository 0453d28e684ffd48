"""A runner image's Python entry point: managed mode from the environment, then start().

Usage: python driver.py MODE STEP [STEP ...]   (STEP: "module.func" or "module.func@group")

``DOTFLOW_TEST_SERVER_OPTIONS`` (JSON) gives ServerAPI arguments such as small timeouts. Prints one
JSON line with the workflow id, its status and the tasks' statuses; exits 0, or 1 if a task failed.
"""

from __future__ import annotations

import json
import logging
import os
import sys

from dotflow.server import managed_workflow


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s [%(name)s]: %(message)s")
    mode, steps = argv[0], argv[1:]
    options = json.loads(os.environ.get("DOTFLOW_TEST_SERVER_OPTIONS") or "{}")
    workflow = managed_workflow(**options)
    for step in steps:
        path, _, group = step.partition("@")
        workflow.task.add(step=path, group_name=group or "default")
    run = workflow.start(mode=mode)
    run.wait()
    print(
        json.dumps(
            {
                "workflow_id": workflow.workflow_id,
                "status": run.status.value,
                "tasks": [task.status.value for task in run.tasks],
            }
        ),
        flush=True,
    )
    return 0 if run.status.value == "Completed" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
