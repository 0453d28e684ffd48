"""Managed mode: what a runner image reads from its environment to report a run.

A managed runner starts a container with ``WORKFLOW_ID`` (a workflow the backend already knows),
``SERVER_BASE_URL`` and ``SERVER_USER_TOKEN`` (aliases ``DOTFLOW_SERVER_URL`` and
``DOTFLOW_USER_TOKEN``). :func:`managed_settings` turns those into the workflow id and the
:class:`~dotflow.server.api.ServerAPI` to use; :func:`managed_workflow` builds the ``DotFlow``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from dotflow.server.api import ServerAPI

if TYPE_CHECKING:
    from dotflow import Config, DotFlow

__all__ = [
    "TOKEN_VARIABLES",
    "URL_VARIABLES",
    "WORKFLOW_ID_VARIABLE",
    "ManagedSettings",
    "managed_settings",
    "managed_workflow",
]

WORKFLOW_ID_VARIABLE = "WORKFLOW_ID"
#: the backend's URL, first match wins
URL_VARIABLES = ("SERVER_BASE_URL", "DOTFLOW_SERVER_URL")
#: the user token, first match wins
TOKEN_VARIABLES = ("SERVER_USER_TOKEN", "DOTFLOW_USER_TOKEN")


class ManagedSettings(NamedTuple):
    """What the environment asks for.

    Attributes:
        workflow_id: the id the backend knows (``None``: generate one, and register it).
        server: the adapter to report to (``None``: report nowhere).
    """

    workflow_id: str | None
    server: ServerAPI | None


def _first(environ: Mapping[str, str], names: tuple[str, ...]) -> tuple[str | None, str | None]:
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return name, value
    return None, None


def managed_settings(environ: Mapping[str, str] | None = None, **options: Any) -> ManagedSettings:
    """Read the managed-mode variables.

    Args:
        environ: where to read them (default ``os.environ``). Empty values count as unset.
        options: more ``ServerAPI`` arguments (``timeout``, ``flush_timeout``, ...).

    Raises:
        ValueError: only one of the URL and the token is set, or a value is invalid.
    """
    env = os.environ if environ is None else environ
    workflow_id = env.get(WORKFLOW_ID_VARIABLE, "").strip() or None
    if workflow_id is not None:
        from dotflow.core.ids import validate_workflow_id

        workflow_id = validate_workflow_id(workflow_id)
    url_name, base_url = _first(env, URL_VARIABLES)
    token_name, token = _first(env, TOKEN_VARIABLES)
    if base_url is None and token is None:
        return ManagedSettings(workflow_id, None)
    if token is None:
        msg = (
            f"{url_name} is set but no user token is: set {TOKEN_VARIABLES[0]} "
            f"(or {TOKEN_VARIABLES[1]}) too, or unset {url_name} to report nowhere"
        )
        raise ValueError(msg)
    if base_url is None:
        msg = (
            f"{token_name} is set but no server URL is: set {URL_VARIABLES[0]} "
            f"(or {URL_VARIABLES[1]}) too, or unset {token_name} to report nowhere"
        )
        raise ValueError(msg)
    try:
        server = ServerAPI(base_url=base_url, user_token=token, **options)
    except ValueError as error:
        msg = f"{url_name}={base_url!r} is not usable: {error}"
        raise ValueError(msg) from None
    return ManagedSettings(workflow_id, server)


def managed_workflow(
    config: Config | None = None, environ: Mapping[str, str] | None = None, **options: Any
) -> DotFlow:
    """A ``DotFlow`` with the environment's workflow id and server (other adapters from ``config``).

    Args:
        config: the other adapters (default ``Config()``); its server is replaced when the
            environment names one.
        environ: where to read the variables (default ``os.environ``).
        options: more ``ServerAPI`` arguments.
    """
    from dotflow import Config, DotFlow

    settings = managed_settings(environ, **options)
    if config is None:
        config = Config()
    if settings.server is not None:
        config = attrs.evolve(config, server=settings.server)
    return DotFlow(config=config, workflow_id=settings.workflow_id)
