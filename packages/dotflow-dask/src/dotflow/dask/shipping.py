"""How a step travels to the workers: by reference when it is importable, else by value.

Dask's own convention for ``client.submit``: functions the workers can import are sent by name,
the others (defined in ``__main__`` or a notebook, closures, lambdas, classes of a script) are
serialised with cloudpickle, code included. A step is converted once per run, before anything
is submitted; only a step that neither imports by name nor serialises is refused.
"""

from __future__ import annotations

import functools
import io
import logging
import pickle
from typing import Any

import cloudpickle  # type: ignore[import-untyped]  # ships no type information

from dotflow.dask.errors import StepNotSerializableError
from dotflow.dask.importable import reference_or_reason
from dotflow.spi.execution import Action, import_path

__all__ = ["StepPayload", "load_step", "step_payload"]

logger = logging.getLogger(__name__)

#: What a task carries to its worker: ``"module:qualname"`` (by reference) or cloudpickle bytes.
StepPayload = str | bytes


def step_payload(step: Any) -> StepPayload:
    """The form in which ``step`` is sent to the workers.

    Args:
        step: an ``@action`` function or a class with ``@action`` methods.

    Raises:
        StepNotSerializableError: ``step`` cannot be imported by name and cloudpickle cannot
            serialise it either (it captures a lock, an open file, a connection ...).
    """
    reference, reason = reference_or_reason(step)
    if reference is not None:
        return reference
    buffer = io.BytesIO()
    try:
        _StepPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(step)
    except Exception as error:
        raise StepNotSerializableError(step, reason, f"{type(error).__name__}: {error}") from error
    logger.debug("step %r is sent by value (%s)", step, reason)
    return buffer.getvalue()


@functools.lru_cache(maxsize=256)
def load_step(payload: StepPayload) -> Any:
    """The step a payload stands for, on a worker (cached: a chain reuses one step many times).

    Raises:
        StepImportError: a reference that does not import on this worker.
        Exception: whatever unpickling a by-value step raises (a module it needs is missing,
            another Python version).
    """
    if isinstance(payload, str):
        return import_path(payload)
    return cloudpickle.loads(payload)


def _rebuild_action(
    func: Any, retry: int, timeout: float, retry_delay: float, backoff: bool
) -> Action:
    """An ``@action`` step again, on the worker, from its function and settings."""
    return Action(func, retry=retry, timeout=timeout, retry_delay=retry_delay, backoff=backoff)


class _StepPickler(cloudpickle.Pickler):  # type: ignore[misc]  # untyped base
    """cloudpickle, plus ``@action`` steps that cannot be imported by name sent by value.

    An ``Action`` pickles by reference (its module and name) like the function it wraps; that
    fails on a worker for a step of ``__main__`` or a closure, also when it sits inside a
    class-based step or is called by another step. Such an action travels as its function
    (which cloudpickle sends by value) and its settings, and is rebuilt on the worker.
    """

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, Action) and reference_or_reason(obj)[0] is None:
            return _rebuild_action, (obj.func, obj.retry, obj.timeout, obj.retry_delay, obj.backoff)
        return super().reducer_override(obj)
