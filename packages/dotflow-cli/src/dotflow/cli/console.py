"""Logging for the command line. Only the CLI installs handlers; the library never does.

Warnings and errors of every logger go to stderr. Task status records of the ``dotflow`` logger
are left out unless ``--verbose``, because the progress lines already show them.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

__all__ = ["configure_logging"]


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to the current ``sys.stderr`` (which Click's test runner swaps per invocation)."""

    dotflow_cli = True

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


class _HideStatus(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not hasattr(record, "dotflow")


def configure_logging(verbose: bool = False, debug: bool = False) -> None:
    """Send log records to stderr: warnings by default, ``dotflow`` info with ``verbose``."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "dotflow_cli", False)]:
        root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s [%(name)s]: %(message)s"))
    if not verbose and not debug:
        handler.addFilter(_HideStatus())
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.NOTSET
    logging.getLogger("dotflow").setLevel(level)
