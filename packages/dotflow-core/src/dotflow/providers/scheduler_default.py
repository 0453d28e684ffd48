"""The default scheduler: schedules nothing."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from dotflow.abc.scheduler import Scheduler

if TYPE_CHECKING:
    from dotflow.core.workflow import DotFlow

__all__ = ["SchedulerDefault"]

logger = logging.getLogger(__name__)


class SchedulerDefault(Scheduler):
    """Runs nothing. Configure ``SchedulerCron`` (dotflow-cron) to run on a schedule."""

    def start(self, workflow: DotFlow, **kwargs: Any) -> None:
        logger.warning(
            "workflow %s has no scheduler configured: nothing is scheduled; use "
            "Config(scheduler=SchedulerCron(cron=...)) from dotflow-cron",
            workflow.workflow_id,
        )

    def stop(self) -> None:
        return None
