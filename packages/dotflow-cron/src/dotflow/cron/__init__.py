"""Cron scheduling for dotflow: ``SchedulerCron``."""

from dotflow.cron.expression import parse_cron
from dotflow.cron.scheduler import OVERLAP_POLICIES, CronStats, SchedulerCron

__all__ = ["OVERLAP_POLICIES", "CronStats", "SchedulerCron", "parse_cron"]
