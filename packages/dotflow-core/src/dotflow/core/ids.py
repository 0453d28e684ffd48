"""Workflow id validation: ids become storage folders and URL segments, so they must be safe."""

from __future__ import annotations

import re
import uuid

from dotflow.core.exceptions import InvalidWorkflowIdError

__all__ = ["new_workflow_id", "validate_workflow_id"]

_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


def new_workflow_id() -> str:
    """A fresh random workflow id."""
    return str(uuid.uuid4())


def validate_workflow_id(workflow_id: object) -> str:
    """Return ``workflow_id`` as a string, or raise if it is unsafe.

    Args:
        workflow_id: a non-empty string of letters, digits, ``-``, ``_`` and ``.`` that does not
            start with a dot, or a :class:`uuid.UUID`.
    """
    if isinstance(workflow_id, uuid.UUID):
        return str(workflow_id)
    if not isinstance(workflow_id, str):
        raise InvalidWorkflowIdError(
            workflow_id, f"expected a str or UUID, got {type(workflow_id).__name__}"
        )
    if not workflow_id:
        raise InvalidWorkflowIdError(workflow_id, "it is empty")
    # ".." is refused anywhere, not only as a whole segment: "a..b" stays unambiguous in every
    # storage (object keys, URL paths) and no id can be read as a parent reference.
    if _SAFE.fullmatch(workflow_id) is None or ".." in workflow_id:
        if ".." in workflow_id or "/" in workflow_id or "\\" in workflow_id:
            reason = "it could escape the storage location"
        elif any(ord(c) < 32 or ord(c) == 127 for c in workflow_id):
            reason = "it contains control characters"
        elif len(workflow_id) > 200:
            reason = "it is longer than 200 characters"
        else:
            reason = "it contains characters other than letters, digits, '-', '_' and '.'"
        raise InvalidWorkflowIdError(workflow_id, reason)
    return workflow_id
