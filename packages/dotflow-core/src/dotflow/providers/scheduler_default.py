"""The default scheduler: schedules nothing."""

from __future__ import annotations

import logging
from typing import Any

from dotflow.abc.scheduler import Schedulable, Scheduler

__all__ = ["SchedulerDefault"]

logger = logging.getLogger(__name__)


class SchedulerDefault(Scheduler):
    """Runs nothing. Configure ``SchedulerCron`` (dotflow-cron) to run on a schedule."""

    def start(self, workflow: Schedulable, **kwargs: Any) -> None:
        logger.warning(
            "workflow %s has no scheduler configured: nothing is scheduled; use "
            "Config(scheduler=SchedulerCron(cron=...)) from dotflow-cron",
            workflow.workflow_id,
        )

    def stop(self) -> None:
        return None
