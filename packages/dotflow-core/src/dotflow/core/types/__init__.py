"""Enumerations shared by the domain and every adapter."""

from dotflow.core.types.execution import TypeExecution
from dotflow.core.types.status import TypeStatus, WorkflowStatus

__all__ = ["TypeExecution", "TypeStatus", "WorkflowStatus"]
