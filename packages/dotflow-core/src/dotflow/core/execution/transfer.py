"""Sending a worker's outcome back to the process that drives the run (parallel mode, dask)."""

from __future__ import annotations

import pickle

from dotflow.core.attempts import Outcome, task_error

__all__ = ["dump_outcome"]


def dump_outcome(outcome: Outcome, where: str) -> bytes:
    """``outcome`` pickled; a result that cannot be pickled fails the task instead.

    Args:
        outcome: what the worker computed.
        where: the worker, for the message (``"the worker process"``).
    """
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:
        message = (
            f"the result ({type(outcome.value).__name__}) cannot be sent back from {where}: "
            f"{error}; return picklable data"
        )
        failure = TypeError(message)
        failure.__traceback__ = error.__traceback__
        outcome.errors.append(task_error(outcome.retries + 1, failure))
        outcome.value, outcome.failed = None, True
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
