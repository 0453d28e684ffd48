"""Keeping the cyclic garbage collector off the objects that exist before a run.

A long chain creates a few objects per task; every full collection during the run would walk all
of them plus everything the program already held (the task definitions among them), so the cost
per task grew with the size of the workflow. Freezing the heap at the start of a run makes full
collections walk only the objects the run creates; the heap is unfrozen when the last active run
ends. A program that froze the heap itself (``gc.freeze()`` before forking workers, say) is left
alone.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["frozen_heap"]

_lock = threading.Lock()
_active = 0
_owned = False


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Freeze the objects that exist now for the duration of the block (re-entrant)."""
    global _active, _owned
    with _lock:
        if _active == 0:
            _owned = gc.isenabled() and gc.get_freeze_count() == 0
            if _owned:
                gc.freeze()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _owned:
                gc.unfreeze()
                _owned = False
