"""The reference backend: run ``python -m dotflow.server.backend`` to watch runs locally."""

from dotflow.server.backend.app import Backend
from dotflow.server.backend.faults import Fault, Faults
from dotflow.server.backend.store import Store

__all__ = ["Backend", "Fault", "Faults", "Store"]
