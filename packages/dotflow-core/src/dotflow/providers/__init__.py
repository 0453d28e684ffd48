"""Adapters by class name.

The built-in ones are imported on first use. Any other name (``from dotflow.providers import
StorageS3``) is found through the entry points of installed distributions; a missing one raises
``ModuleNotFoundError`` naming the distribution to install.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dotflow.providers.log_default import LogDefault
    from dotflow.providers.metrics_default import MetricsDefault
    from dotflow.providers.notify_default import NotifyDefault
    from dotflow.providers.scheduler_default import SchedulerDefault
    from dotflow.providers.server_default import ServerDefault
    from dotflow.providers.storage_default import StorageDefault
    from dotflow.providers.storage_file import StorageFile
    from dotflow.providers.tracer_default import TracerDefault

__all__ = [
    "LogDefault",
    "MetricsDefault",
    "NotifyDefault",
    "SchedulerDefault",
    "ServerDefault",
    "StorageDefault",
    "StorageFile",
    "TracerDefault",
]

_BUILTIN = {
    "LogDefault": "dotflow.providers.log_default",
    "MetricsDefault": "dotflow.providers.metrics_default",
    "NotifyDefault": "dotflow.providers.notify_default",
    "SchedulerDefault": "dotflow.providers.scheduler_default",
    "ServerDefault": "dotflow.providers.server_default",
    "StorageDefault": "dotflow.providers.storage_default",
    "StorageFile": "dotflow.providers.storage_file",
    "TracerDefault": "dotflow.providers.tracer_default",
}


def __getattr__(name: str) -> type:
    if name.startswith("__"):
        raise AttributeError(name)
    home = _BUILTIN.get(name)
    if home is not None:
        from importlib import import_module

        value: type = getattr(import_module(home), name)
    else:
        from dotflow.core.registry import find_class

        value = find_class(name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
