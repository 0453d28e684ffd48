"""dotflow-server: report workflow and task status to an HTTP backend (managed mode)."""

from dotflow.server.api import ServerAPI
from dotflow.server.managed import ManagedSettings, managed_settings, managed_workflow
from dotflow.server.sender import SenderStats

__all__ = [
    "ManagedSettings",
    "SenderStats",
    "ServerAPI",
    "managed_settings",
    "managed_workflow",
]
