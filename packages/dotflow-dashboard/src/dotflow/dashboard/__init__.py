"""dotflow-dashboard: a self-hosted backend for managed mode with a live web dashboard."""

from dotflow.dashboard.app import create_app
from dotflow.dashboard.backend import Backend
from dotflow.dashboard.faults import Fault, Faults
from dotflow.dashboard.settings import Settings
from dotflow.dashboard.store import Store
from dotflow.dashboard.writes import Write

__all__ = ["Backend", "Fault", "Faults", "Settings", "Store", "Write", "create_app"]
