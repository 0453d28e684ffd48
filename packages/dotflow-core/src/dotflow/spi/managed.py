"""Managed mode: the variables a runner sets, and the workflow id rule.

A runner starts ``dotflow start`` with ``WORKFLOW_ID`` and a backend's ``SERVER_BASE_URL`` +
``SERVER_USER_TOKEN`` (aliases ``DOTFLOW_SERVER_URL`` + ``DOTFLOW_USER_TOKEN``).
:func:`read_managed` reads them (only one of the URL and the token set means "report nowhere",
with a warning naming the missing one); a composition root that chooses the server itself builds
its ``Config()`` inside :class:`environment_ignored`.
"""

from __future__ import annotations

from dotflow.core.ids import validate_workflow_id
from dotflow.core.managed import (
    TOKEN_VARIABLES,
    URL_VARIABLES,
    WORKFLOW_ID_VARIABLE,
    HalfConfiguredWarning,
    ManagedEnvironment,
    first_set,
    read_managed,
)
from dotflow.providers.server_default import environment_ignored

__all__ = [
    "TOKEN_VARIABLES",
    "URL_VARIABLES",
    "WORKFLOW_ID_VARIABLE",
    "HalfConfiguredWarning",
    "ManagedEnvironment",
    "environment_ignored",
    "first_set",
    "read_managed",
    "validate_workflow_id",
]
