"""Managed mode: the variables a runner sets when it starts ``dotflow start`` in a container.

- ``WORKFLOW_ID``: the id of a workflow the backend already knows.
- ``SERVER_BASE_URL`` + ``SERVER_USER_TOKEN`` (aliases ``DOTFLOW_SERVER_URL`` +
  ``DOTFLOW_USER_TOKEN``): the backend to report every status change to.

The CLI (which picks the ``api`` server adapter) and dotflow-server's ``managed_settings`` both
read them here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import attrs

from dotflow.core.exceptions import DotflowError

__all__ = [
    "TOKEN_VARIABLES",
    "URL_VARIABLES",
    "WORKFLOW_ID_VARIABLE",
    "HalfConfiguredError",
    "ManagedEnvironment",
    "read_managed",
]

WORKFLOW_ID_VARIABLE = "WORKFLOW_ID"
#: the backend's URL, first match wins
URL_VARIABLES = ("SERVER_BASE_URL", "DOTFLOW_SERVER_URL")
#: the user token, first match wins
TOKEN_VARIABLES = ("SERVER_USER_TOKEN", "DOTFLOW_USER_TOKEN")


class HalfConfiguredError(DotflowError, ValueError):
    """Only one of the server URL and the user token is set."""


@attrs.frozen
class ManagedEnvironment:
    """What the variables ask for; each part is ``None`` when unset (or empty).

    Attributes:
        workflow_id: the workflow id, as given (not validated).
        base_url: the backend's URL; set together with ``user_token``.
        user_token: the user token (never shown in a repr).
        url_variable: the variable ``base_url`` came from, for messages.
    """

    workflow_id: str | None = None
    base_url: str | None = None
    user_token: str | None = attrs.field(default=None, repr=False)
    url_variable: str | None = None


def _first(environ: Mapping[str, str], names: tuple[str, ...]) -> tuple[str | None, str | None]:
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return name, value
    return None, None


def read_managed(environ: Mapping[str, str] | None = None) -> ManagedEnvironment:
    """Read the managed-mode variables from ``environ`` (default ``os.environ``).

    Raises:
        HalfConfiguredError: the URL is set without the token, or the other way round.
    """
    env = os.environ if environ is None else environ
    workflow_id = env.get(WORKFLOW_ID_VARIABLE, "").strip() or None
    url_name, base_url = _first(env, URL_VARIABLES)
    token_name, token = _first(env, TOKEN_VARIABLES)
    if token is None and base_url is not None:
        msg = (
            f"{url_name} is set but {' or '.join(TOKEN_VARIABLES)} is not: set "
            f"{TOKEN_VARIABLES[0]} too, or unset {url_name} to report nowhere"
        )
        raise HalfConfiguredError(msg)
    if base_url is None and token is not None:
        msg = (
            f"{token_name} is set but {' or '.join(URL_VARIABLES)} is not: set "
            f"{URL_VARIABLES[0]} too, or unset {token_name} to report nowhere"
        )
        raise HalfConfiguredError(msg)
    return ManagedEnvironment(workflow_id, base_url, token, url_name)
