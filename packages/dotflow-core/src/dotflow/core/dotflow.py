"""``from dotflow.core.dotflow import DotFlow`` (dotflow 1.0.1's path); the class is in
:mod:`dotflow.core.workflow`, and ``from dotflow import DotFlow`` is the usual import."""

from __future__ import annotations

from dotflow.core.workflow import DotFlow

__all__ = ["DotFlow"]
