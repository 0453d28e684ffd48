"""The names of the cron scheduler's overlap policies."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["TypeOverlap"]


class TypeOverlap(StrEnum):
    """What ``SchedulerCron(overlap=...)`` (dotflow-cron) does with a tick while a run is active."""

    SKIP = "skip"
    QUEUE = "queue"
    PARALLEL = "parallel"
