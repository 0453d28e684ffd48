"""Managed mode: the variables a runner sets when it starts ``dotflow start`` in a container.

- ``WORKFLOW_ID``: the id of a workflow the backend already knows.
- ``SERVER_BASE_URL`` + ``SERVER_USER_TOKEN`` (aliases ``DOTFLOW_SERVER_URL`` +
  ``DOTFLOW_USER_TOKEN``): the backend to report every status change to.

The CLI (which picks the ``api`` server adapter), ``ServerDefault`` (library use without the CLI)
and dotflow-server's ``managed_settings`` read them here. Only one of the URL and the token set
means "report nowhere", with one warning naming the missing variable (seed 002: a runner that is
half configured still runs).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import attrs

__all__ = [
    "TOKEN_VARIABLES",
    "URL_VARIABLES",
    "WORKFLOW_ID_VARIABLE",
    "HalfConfiguredWarning",
    "ManagedEnvironment",
    "first_set",
    "read_managed",
]

WORKFLOW_ID_VARIABLE = "WORKFLOW_ID"
#: the backend's URL, first match wins
URL_VARIABLES = ("SERVER_BASE_URL", "DOTFLOW_SERVER_URL")
#: the user token, first match wins
TOKEN_VARIABLES = ("SERVER_USER_TOKEN", "DOTFLOW_USER_TOKEN")


class HalfConfiguredWarning(UserWarning):
    """Only one of the server URL and the user token is set: status is reported nowhere."""


@attrs.frozen
class ManagedEnvironment:
    """What the variables ask for; each part is ``None`` when unset (or empty).

    Attributes:
        workflow_id: the workflow id, as given (not validated).
        base_url: the backend's URL; set together with ``user_token``.
        user_token: the user token (never shown in a repr).
        url_variable: the variable ``base_url`` came from, for messages.
        warning: why the server variables were ignored (only one of the URL and the token is
            set), naming the missing variable; ``None`` otherwise.
    """

    workflow_id: str | None = None
    base_url: str | None = None
    user_token: str | None = attrs.field(default=None, repr=False)
    url_variable: str | None = None
    warning: str | None = None


def first_set(environ: Mapping[str, str], names: tuple[str, ...]) -> tuple[str | None, str | None]:
    """``(name, value)`` of the first of ``names`` with a non-blank value, else ``(None, None)``."""
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return name, value
    return None, None


def read_managed(environ: Mapping[str, str] | None = None) -> ManagedEnvironment:
    """Read the managed-mode variables from ``environ`` (default ``os.environ``).

    When only one of the URL and the token is set, both are left out and ``warning`` says which
    variable is missing; the caller shows it (it never holds the token).
    """
    env = os.environ if environ is None else environ
    workflow_id = env.get(WORKFLOW_ID_VARIABLE, "").strip() or None
    url_name, base_url = first_set(env, URL_VARIABLES)
    token_name, token = first_set(env, TOKEN_VARIABLES)
    if (base_url is None) == (token is None):
        return ManagedEnvironment(workflow_id, base_url, token, url_name)
    set_name, missing = (
        (url_name, TOKEN_VARIABLES) if token is None else (token_name, URL_VARIABLES)
    )
    warning = (
        f"{set_name} is set but {' or '.join(missing)} is not, so status is reported nowhere: "
        f"set {missing[0]} too, or unset {set_name}"
    )
    return ManagedEnvironment(workflow_id, warning=warning)
