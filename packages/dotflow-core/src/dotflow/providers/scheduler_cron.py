"""``from dotflow.providers.scheduler_cron import SchedulerCron`` (dotflow 1.0.1's path).

SchedulerCron lives in dotflow-cron; it is looked up through the registry on first use, so this
module imports no adapter. Without dotflow-cron installed, the lookup raises
``ModuleNotFoundError`` naming it.
"""

from __future__ import annotations

from dotflow.providers._moved import adapter_class

# The name is defined by __getattr__ (through the registry), not in this file.
__all__ = ["SchedulerCron"]  # noqa: F822


def __getattr__(name: str) -> type:
    return adapter_class(__name__, name, __all__)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
