"""Background mode: ``start()`` returns at once; the run goes on in a (non-daemon) thread."""

from __future__ import annotations

from dotflow.core.execution.sequential import Sequential

__all__ = ["Background"]


class Background(Sequential):
    """Like ``sequential``, in a background thread; ``start()`` returns a handle to ``wait()`` on.

    The thread is not a daemon: the interpreter waits for the run at exit, so nothing is lost.
    """

    detached = True
