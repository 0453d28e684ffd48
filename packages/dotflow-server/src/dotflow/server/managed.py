"""Managed mode: what a runner image reads from its environment to report a run.

A managed runner starts a container with ``WORKFLOW_ID`` (a workflow the backend already knows),
``SERVER_BASE_URL`` and ``SERVER_USER_TOKEN`` (aliases ``DOTFLOW_SERVER_URL`` and
``DOTFLOW_USER_TOKEN``). :func:`managed_settings` turns those into the workflow id and the
:class:`~dotflow.server.api.ServerAPI` to use; :func:`managed_workflow` builds the ``DotFlow``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from dotflow.server.api import ServerAPI
from dotflow.spi.managed import (
    TOKEN_VARIABLES,
    URL_VARIABLES,
    WORKFLOW_ID_VARIABLE,
    HalfConfiguredWarning,
    read_managed,
)

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


class ManagedSettings(NamedTuple):
    """What the environment asks for.

    Attributes:
        workflow_id: the id the backend knows (``None``: generate one, and register it).
        server: the adapter to report to (``None``: report nowhere).
    """

    workflow_id: str | None
    server: ServerAPI | None


def managed_settings(environ: Mapping[str, str] | None = None, **options: Any) -> ManagedSettings:
    """Read the managed-mode variables.

    Args:
        environ: where to read them (default ``os.environ``). Empty values count as unset.
        options: more ``ServerAPI`` arguments (``timeout``, ``flush_timeout``, ...).

    When only one of the URL and the token is set, nothing is reported (seed 002) and a
    ``HalfConfiguredWarning`` names the missing variable.

    Raises:
        ValueError: a value is invalid.
    """
    env = read_managed(environ)
    if env.warning is not None:
        warnings.warn(env.warning, HalfConfiguredWarning, stacklevel=2)
    workflow_id = env.workflow_id
    if workflow_id is not None:
        from dotflow.spi.managed import validate_workflow_id

        workflow_id = validate_workflow_id(workflow_id)
    if env.base_url is None or env.user_token is None:
        return ManagedSettings(workflow_id, None)
    try:
        server = ServerAPI(base_url=env.base_url, user_token=env.user_token, **options)
    except ValueError as error:
        msg = f"{env.url_variable}={env.base_url!r} is not usable: {error}"
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
        from dotflow.spi.managed import environment_ignored

        with environment_ignored():  # ``environ`` alone says where to report
            config = Config()
    if settings.server is not None:
        config = attrs.evolve(config, server=settings.server)
    return DotFlow(config=config, workflow_id=settings.workflow_id)
