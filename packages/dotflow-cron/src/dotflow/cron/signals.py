"""SIGINT/SIGTERM as a request to stop gracefully, for the length of a ``with`` block.

The handler only records the signal: it runs in the main thread between two bytecodes, possibly
while that thread holds a lock the scheduler needs, so the scheduler polls ``received`` instead
of being called from the handler. The first signal also puts the previous handlers back, so a
second Ctrl-C (or SIGTERM) acts as it did before: the way out when a run hangs.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType
from typing import Any

__all__ = ["GracefulSignals"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class GracefulSignals:
    """Catches SIGINT and SIGTERM inside the block (main thread only; elsewhere does nothing)."""

    def __init__(self) -> None:
        self.received: signal.Signals | None = None
        self._previous: dict[signal.Signals, Any] = {}

    def __enter__(self) -> GracefulSignals:
        if threading.current_thread() is threading.main_thread():
            for sig in _SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._restore()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.received = signal.Signals(signum)
        self._restore()

    def _restore(self) -> None:
        previous, self._previous = self._previous, {}
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
