"""The ports: abstract classes every adapter implements, and the protocols they are given.

``Execution`` is given a :class:`Runtime`; ``Scheduler`` is given a :class:`Schedulable` whose
``start()`` returns a :class:`Run`. Ports refer only to the model (``dotflow.spi.model``), never
to the engine that calls them.
"""

from dotflow.abc.execution import Execution
from dotflow.abc.log import Log
from dotflow.abc.metrics import Metrics
from dotflow.abc.notify import Notify
from dotflow.abc.runtime import Adapters, Runtime
from dotflow.abc.scheduler import Run, Schedulable, Scheduler
from dotflow.abc.server import Server
from dotflow.abc.storage import Storage
from dotflow.abc.tracer import Tracer

__all__ = [
    "Adapters",
    "Execution",
    "Log",
    "Metrics",
    "Notify",
    "Run",
    "Runtime",
    "Schedulable",
    "Scheduler",
    "Server",
    "Storage",
    "Tracer",
]
