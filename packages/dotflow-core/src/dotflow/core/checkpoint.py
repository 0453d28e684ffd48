"""Checkpoints: which stored results a run may reuse.

A run with a fixed workflow id stores a fingerprint of its tasks' initial contexts next to the
results. ``start(resume=True)`` compares it and applies ``on_input_change``; a run without
``resume`` starts clean, so results of an older run never mix into a later resume.

Starting clean is several deletions, and the process may be killed between two of them. So a
fresh start first writes a *generation marker* (one atomic write, under ``_generations/``,
outside the workflow's folder so the clearing never deletes it) saying "clearing", clears, and
then marks the generation "ready". A resume that finds "clearing" knows that results of the
older generation may remain: it starts clean again instead of reusing any of them.
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

__all__ = ["GENERATIONS", "POLICIES", "check_policy", "fingerprint_of", "generation_key", "prepare"]

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


#: Where the generation marker of a workflow lives. Workflow ids never start with ``_``, so this
#: folder is never a workflow's, and clearing ``{workflow_id}/`` never touches it.
GENERATIONS = "_generations"
_CLEARING = "clearing"
_READY = "ready"


def generation_key(workflow_id: str) -> str:
    """The key of ``workflow_id``'s generation marker."""
    return f"{GENERATIONS}/{workflow_id}"


def _clearing_was_interrupted(storage: Storage, workflow_id: str) -> bool:
    marker = storage.get(generation_key(workflow_id))
    # No marker: results stored before markers existed, or none at all; nothing says they mix.
    return (
        marker is not None
        and isinstance(marker.storage, dict)
        and (marker.storage.get("state") != _READY)
    )


def _start_generation(storage: Storage, workflow_id: str) -> None:
    """Clear the workflow's results under a marker that survives a kill at any point."""
    import uuid

    key = generation_key(workflow_id)
    generation = uuid.uuid4().hex
    storage.post(key, Context({"generation": generation, "state": _CLEARING}))
    _clear(storage, workflow_id)
    storage.post(key, Context({"generation": generation, "state": _READY}))


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
    if resume and _clearing_was_interrupted(storage, workflow_id):
        logger.warning(
            "workflow %s: the fresh start before this resume was stopped while clearing older "
            "results; starting clean so that results of two runs never mix",
            workflow_id,
        )
        resume = False
    elif resume:
        stored = storage.get(key)
        if stored is not None and stored.storage != current:
            if policy == "raise":
                raise InputChangedError(workflow_id)
            if policy == "reset":
                resume = False
    if not resume:
        _start_generation(storage, workflow_id)
    storage.post(key, Context(current, workflow_id=workflow_id))
    return resume
