"""Config: the adapters a workflow uses, one per port."""

from __future__ import annotations

from typing import Any

import attrs

from dotflow.abc.log import Log
from dotflow.abc.metrics import Metrics
from dotflow.abc.notify import Notify
from dotflow.abc.scheduler import Scheduler
from dotflow.abc.server import Server
from dotflow.abc.storage import Storage
from dotflow.abc.tracer import Tracer
from dotflow.providers.log_default import LogDefault
from dotflow.providers.metrics_default import MetricsDefault
from dotflow.providers.notify_default import NotifyDefault
from dotflow.providers.scheduler_default import SchedulerDefault
from dotflow.providers.server_default import ServerDefault
from dotflow.providers.storage_default import StorageDefault
from dotflow.providers.tracer_default import TracerDefault

__all__ = ["Config"]


def _port(port: type) -> Any:
    required = sorted(port.__abstractmethods__)  # type: ignore[attr-defined]

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, port) or (
            not isinstance(value, type) and all(callable(getattr(value, m, None)) for m in required)
        ):
            return
        if isinstance(value, type):
            hint = f"; pass an instance: {attribute.name}={value.__name__}(...)"
        else:
            hint = ""
        msg = (
            f"Config({attribute.name}=...): expected a {port.__name__} (with "
            f"{', '.join(required)}), got {type(value).__name__}{hint}"
        )
        raise TypeError(msg)

    return check


@attrs.define
class Config:
    """The adapters a workflow uses.

    Args:
        storage: where task results go (default: in memory).
        notify: who hears about status changes (default: nobody).
        log: where status changes are logged (default: the ``dotflow`` logger).
        server: the backend status is reported to (default: none).
        scheduler: what ``workflow.schedule()`` uses (default: nothing scheduled).
        tracer: traces runs and tasks (default: none).
        metrics: records run and task metrics (default: none).
    """

    storage: Storage = attrs.field(factory=StorageDefault, validator=_port(Storage))
    notify: Notify = attrs.field(factory=NotifyDefault, validator=_port(Notify))
    log: Log = attrs.field(factory=LogDefault, validator=_port(Log))
    server: Server = attrs.field(factory=ServerDefault, validator=_port(Server))
    scheduler: Scheduler = attrs.field(factory=SchedulerDefault, validator=_port(Scheduler))
    tracer: Tracer = attrs.field(factory=TracerDefault, validator=_port(Tracer))
    metrics: Metrics = attrs.field(factory=MetricsDefault, validator=_port(Metrics))
