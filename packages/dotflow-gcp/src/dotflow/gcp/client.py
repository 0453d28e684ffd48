"""Building the Cloud Storage client and its retry policy (google.api_core's own retry)."""

from __future__ import annotations

from typing import Any

from google.api_core.retry import Retry
from google.cloud import storage
from google.cloud.storage.retry import DEFAULT_RETRY

__all__ = ["build_client", "make_retry"]


def make_retry(deadline: float) -> Retry:
    """The library's ``DEFAULT_RETRY`` bounded to ``deadline`` seconds in total.

    It retries 408, 429 and 5xx answers and connection errors with exponential backoff and
    jitter. Uploads of a task result are always retried: writing the same document twice leaves
    the same object.
    """
    retry: Retry = DEFAULT_RETRY.with_timeout(deadline)
    return retry


def build_client(
    project: str | None, credentials: Any = None, api_endpoint: str | None = None
) -> storage.Client:
    """A new client.

    With ``STORAGE_EMULATOR_HOST`` set and no credentials, the library talks to the emulator
    with anonymous credentials; otherwise credentials come from Application Default Credentials.
    """
    kwargs: dict[str, Any] = {"credentials": credentials}
    if project is not None:  # omitted, the library infers the project from the environment
        kwargs["project"] = project
    if api_endpoint:
        kwargs["client_options"] = {"api_endpoint": api_endpoint}
    return storage.Client(**kwargs)
