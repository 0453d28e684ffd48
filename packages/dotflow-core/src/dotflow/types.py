"""``from dotflow.types import TypeStatus, TypeStorage`` (dotflow 1.0.1's path)."""

from __future__ import annotations

from dotflow.core.types.status import TypeStatus
from dotflow.core.types.storage import TypeStorage

__all__ = ["TypeStatus", "TypeStorage"]
