"""The environment variables the CLI reads. The only place dotflow reads ``os.environ``.

Managed mode (a runner that launches ``dotflow start`` in a container):

- ``WORKFLOW_ID``: the id of a workflow the backend already knows; it is used as is and no
  workflow is created on the server.
- ``SERVER_BASE_URL`` + ``SERVER_USER_TOKEN`` (or ``DOTFLOW_SERVER_URL`` + ``DOTFLOW_USER_TOKEN``):
  report every status change to that backend through the ``api`` server adapter (dotflow-server).

Storage settings: ``DOTFLOW_<STORAGE>_<PARAMETER>`` (``DOTFLOW_S3_BUCKET``, ``DOTFLOW_GCS_PROJECT``,
``DOTFLOW_FILE_PATH`` ...) is given to the selected storage's constructor as ``parameter``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import attrs

__all__ = ["ManagedMode", "ServerSettings", "managed_mode", "storage_settings"]

_URL_NAMES = ("SERVER_BASE_URL", "DOTFLOW_SERVER_URL")
_TOKEN_NAMES = ("SERVER_USER_TOKEN", "DOTFLOW_USER_TOKEN")


@attrs.frozen
class ServerSettings:
    """Where the ``api`` server adapter reports to."""

    base_url: str
    user_token: str = attrs.field(repr=False)


@attrs.frozen
class ManagedMode:
    """What a managed runner asked for: a workflow id and a server, each optional."""

    workflow_id: str | None = None
    server: ServerSettings | None = None


class HalfConfiguredError(ValueError):
    """Only one of the server URL and token is set."""


def _first(environ: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


def managed_mode(environ: Mapping[str, str] | None = None) -> ManagedMode:
    """Read managed mode from ``environ`` (default: ``os.environ``); empty values count as unset.

    Raises:
        HalfConfiguredError: the server URL is set without the token, or the other way round.
    """
    environ = os.environ if environ is None else environ
    url = _first(environ, _URL_NAMES)
    token = _first(environ, _TOKEN_NAMES)
    if (url is None) != (token is None):
        have, missing = (_URL_NAMES, _TOKEN_NAMES) if url else (_TOKEN_NAMES, _URL_NAMES)
        msg = (
            f"{' or '.join(have)} is set but {' or '.join(missing)} is not: set both to report "
            "to the server, or neither"
        )
        raise HalfConfiguredError(msg)
    server = ServerSettings(url, token) if url and token else None
    return ManagedMode(workflow_id=_first(environ, ("WORKFLOW_ID",)), server=server)


def storage_settings(storage: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``{"bucket": "b"}`` from ``DOTFLOW_S3_BUCKET=b`` for ``storage="s3"``; names lower-cased."""
    environ = os.environ if environ is None else environ
    prefix = f"DOTFLOW_{storage.upper().replace('-', '_')}_"
    return {
        name[len(prefix) :].lower(): value
        for name, value in environ.items()
        if name.startswith(prefix) and len(name) > len(prefix) and value != ""
    }
