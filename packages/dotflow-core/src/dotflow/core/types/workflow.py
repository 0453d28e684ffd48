"""``from dotflow.core.types.workflow import WorkflowStatus`` (dotflow 1.0.1's path)."""

from __future__ import annotations

from dotflow.core.types.status import WorkflowStatus

__all__ = ["WorkflowStatus"]
