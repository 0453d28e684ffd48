"""The attribute names dotflow-otel puts on spans, metric points and log records.

They follow OpenTelemetry's semantic-convention style: a ``dotflow.`` namespace, dotted,
lower-case, ``snake_case`` words.
"""

from __future__ import annotations

__all__ = [
    "TASK_ATTEMPT",
    "TASK_GROUP",
    "TASK_ID",
    "TASK_RETRY_COUNT",
    "TASK_STATUS",
    "TASK_STEP",
    "WORKFLOW_ID",
    "WORKFLOW_MODE",
    "WORKFLOW_STATUS",
    "WORKFLOW_TASKS_COUNT",
]

WORKFLOW_ID = "dotflow.workflow.id"
WORKFLOW_MODE = "dotflow.workflow.mode"
WORKFLOW_STATUS = "dotflow.workflow.status"
WORKFLOW_TASKS_COUNT = "dotflow.workflow.tasks_count"
TASK_ID = "dotflow.task.id"
TASK_STEP = "dotflow.task.step"
TASK_GROUP = "dotflow.task.group"
TASK_STATUS = "dotflow.task.status"
TASK_RETRY_COUNT = "dotflow.task.retry_count"
TASK_ATTEMPT = "dotflow.task.attempt"
