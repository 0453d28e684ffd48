"""Checkpoints: which stored results a run may reuse.

A run with a fixed workflow id stores a fingerprint of its tasks' initial contexts next to the
results. ``start(resume=True)`` compares it and applies ``on_input_change``; a run without
``resume`` starts clean, so results of an older run never mix into a later resume.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from dotflow.core.context import Context
from dotflow.core.exceptions import InputChangedError, InvalidOnInputChangeError

if TYPE_CHECKING:
    from dotflow.abc.storage import Storage
    from dotflow.core.task import Task

__all__ = ["POLICIES", "check_policy", "fingerprint_of", "prepare"]

logger = logging.getLogger("dotflow")

POLICIES = ("reuse", "reset", "raise")


def check_policy(policy: str) -> None:
    """Raise unless ``policy`` is one of :data:`POLICIES`."""
    if policy not in POLICIES:
        raise InvalidOnInputChangeError(policy)


def _canonical(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return {"__set__": sorted(json.dumps(v, sort_keys=True, default=_canonical) for v in value)}
    if isinstance(value, bytes | bytearray):
        return {"__bytes__": bytes(value).hex()}
    if hasattr(value, "isoformat"):
        return {"__time__": value.isoformat()}
    if isinstance(value, Context):
        return {"__context__": value.storage}
    fields = getattr(value, "__dict__", None)
    if isinstance(fields, dict):
        return {"__object__": f"{type(value).__module__}.{type(value).__qualname__}", **fields}
    msg = (
        f"cannot fingerprint an initial context of type {type(value).__name__}: pass "
        "start(fingerprint='...') to name the input version yourself"
    )
    raise TypeError(msg)


def fingerprint_of(tasks: list[Task]) -> str:
    """A digest of the tasks' initial contexts that is the same in every process."""
    import hashlib

    payload = [task.initial_context.storage for task in tasks]
    text = json.dumps(payload, sort_keys=True, default=_canonical, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _clear(storage: Storage, workflow_id: str) -> None:
    try:
        storage.delete_prefix(f"{workflow_id}/")
    except NotImplementedError:
        logger.debug("%s cannot delete old checkpoints of %s", type(storage).__name__, workflow_id)


def prepare(
    storage: Storage,
    workflow_id: str,
    tasks: list[Task],
    *,
    resume: bool,
    policy: str,
    fingerprint: str | None,
) -> bool:
    """Get the storage ready for a run and return whether stored results may be reused.

    Args:
        storage: the workflow's storage.
        workflow_id: the run's workflow id, under which earlier runs may have stored results.
        tasks: the tasks of the run.
        resume: whether the caller asked to resume.
        policy: ``on_input_change``: ``reuse``, ``reset`` or ``raise``.
        fingerprint: the caller's own input version, instead of the computed one.
    """
    key = f"{workflow_id}/fingerprint"
    current = fingerprint if fingerprint is not None else fingerprint_of(tasks)
    if resume:
        stored = storage.get(key)
        if stored is not None and stored.storage != current:
            if policy == "raise":
                raise InputChangedError(workflow_id)
            if policy == "reset":
                _clear(storage, workflow_id)
                resume = False
    else:
        _clear(storage, workflow_id)
    storage.post(key, Context(current, workflow_id=workflow_id))
    return resume
