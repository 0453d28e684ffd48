"""The storage settings the CLI reads from the environment.

``DOTFLOW_<STORAGE>_<PARAMETER>`` (``DOTFLOW_S3_BUCKET``, ``DOTFLOW_GCS_PROJECT``,
``DOTFLOW_FILE_PATH`` ...) is given to the selected storage's constructor as ``parameter``.
Managed mode (``WORKFLOW_ID``, the server URL and token) is read by
:func:`dotflow.spi.managed.read_managed`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["storage_settings"]


def storage_settings(storage: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``{"bucket": "b"}`` from ``DOTFLOW_S3_BUCKET=b`` for ``storage="s3"``; names lower-cased."""
    environ = os.environ if environ is None else environ
    prefix = f"DOTFLOW_{storage.upper().replace('-', '_')}_"
    return {
        name[len(prefix) :].lower(): value
        for name, value in environ.items()
        if name.startswith(prefix) and len(name) > len(prefix) and value != ""
    }
