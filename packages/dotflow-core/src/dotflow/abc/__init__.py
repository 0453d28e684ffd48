"""The ports: abstract classes every adapter implements."""

from dotflow.abc.execution import Execution
from dotflow.abc.log import Log
from dotflow.abc.notify import Notify
from dotflow.abc.scheduler import Schedulable, Scheduler
from dotflow.abc.server import Server
from dotflow.abc.storage import Storage

__all__ = ["Execution", "Log", "Notify", "Schedulable", "Scheduler", "Server", "Storage"]
