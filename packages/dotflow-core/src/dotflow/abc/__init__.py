"""The ports: abstract classes every adapter implements."""

from dotflow.abc.execution import Execution
from dotflow.abc.log import Log
from dotflow.abc.metrics import Metrics
from dotflow.abc.notify import Notify
from dotflow.abc.scheduler import Schedulable, Scheduler
from dotflow.abc.server import Server
from dotflow.abc.storage import Storage
from dotflow.abc.tracer import Tracer

__all__ = [
    "Execution",
    "Log",
    "Metrics",
    "Notify",
    "Schedulable",
    "Scheduler",
    "Server",
    "Storage",
    "Tracer",
]
