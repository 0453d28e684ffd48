"""Calling notify, log and server adapters so that their failures never fail a workflow."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

__all__ = ["call_adapter"]

logger = logging.getLogger("dotflow")


def call_adapter(method: Callable[..., Any], *args: Any) -> None:
    """Call an adapter method (or a ``functools.partial`` of one, for keyword arguments); an
    exception is logged with its traceback and swallowed."""
    try:
        method(*args)
    except Exception:
        method = getattr(method, "func", method)
        owner = getattr(method, "__self__", None)
        logger.exception(
            "%s.%s failed; the workflow goes on",
            type(owner).__name__ if owner is not None else "adapter",
            getattr(method, "__name__", "call"),
        )
