"""The default server: reports nowhere, unless a backend is named (seed 003).

``ServerDefault(base_url=..., user_token=...)``, or in plain library use the variables
``DOTFLOW_SERVER_URL`` / ``DOTFLOW_USER_TOKEN`` (managed-mode names ``SERVER_BASE_URL`` /
``SERVER_USER_TOKEN``), make the default ``Config()`` report every status change over HTTP. The
HTTP client is dotflow-server's ``api`` adapter, found through the registry only when a backend is
named, so core never imports it and a run without a backend costs nothing.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from dotflow.abc.server import Server

if TYPE_CHECKING:
    from types import TracebackType

    from dotflow.core.task import Task
    from dotflow.core.types.status import WorkflowStatus

__all__ = ["ServerDefault", "environment_ignored"]

# The names dotflow.core.managed reads (URL_VARIABLES + TOKEN_VARIABLES; a test keeps them equal).
_VARIABLES = ("SERVER_BASE_URL", "DOTFLOW_SERVER_URL", "SERVER_USER_TOKEN", "DOTFLOW_USER_TOKEN")
# Per thread, so a composition root ignoring the variables never affects another thread.
_state = threading.local()


class environment_ignored:  # lower case: used like a function, ``with environment_ignored():``
    """``ServerDefault()`` made inside ignores the server variables.

    For composition roots (the CLI) that read the managed-mode variables themselves and choose
    the server: a workflow factory they call must not register a workflow on its own.
    """

    def __enter__(self) -> None:
        self._before = getattr(_state, "ignore", False)
        _state.ignore = True

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _state.ignore = self._before


def _api_adapter(base_url: str, user_token: str, options: dict[str, Any]) -> Server:
    from dotflow.core import registry
    from dotflow.core.exceptions import AdapterNotFoundError

    try:
        cls = registry.load("server", "api")
    except AdapterNotFoundError:
        msg = (
            "ServerDefault reports to a backend through the api server adapter of "
            "dotflow-server, which is not installed: pip install dotflow-server (or unset the "
            "server URL to report nowhere)"
        )
        raise ModuleNotFoundError(msg, name="dotflow-server") from None
    server: Server = cls(base_url=base_url, user_token=user_token, **options)
    return server


class ServerDefault(Server):
    """Reports nothing, unless a backend is named; then reports there over HTTP.

    A backend is named by ``base_url`` and ``user_token``; one not given comes from the
    environment (``SERVER_BASE_URL`` or ``DOTFLOW_SERVER_URL``, ``SERVER_USER_TOKEN`` or
    ``DOTFLOW_USER_TOKEN``). Every call then goes to dotflow-server's ``api`` adapter
    (``X-User-Token`` header; ordered, retried, never blocking the workflow). When the
    environment sets only one of the two, nothing is reported and one warning names the missing
    variable.

    Args:
        base_url: the API root, e.g. ``"https://api.example.com/api/v1"``.
        user_token: the token sent as ``X-User-Token``.
        options: more arguments of the api adapter (``timeout``, ``flush_timeout``, ...).

    Raises:
        ModuleNotFoundError: a backend is named and dotflow-server is not installed.
        ValueError: only one of ``base_url`` / ``user_token`` is known when one was given, or the
            api adapter refuses a value.
    """

    #: Without a backend it reports nothing, so the engine skips it; ``__init__`` clears this
    #: for an instance that names a backend.
    noop = True

    def __init__(
        self, base_url: str | None = None, user_token: str | None = None, **options: Any
    ) -> None:
        #: the adapter every call goes to; ``None`` reports nowhere
        self.delegate: Server | None = None
        if base_url is None and user_token is None:
            if getattr(_state, "ignore", False) or not any(map(os.environ.get, _VARIABLES)):
                return  # the common case, kept cheap: no import, four lookups
            import warnings

            from dotflow.core.managed import HalfConfiguredWarning, read_managed

            settings = read_managed()
            if settings.warning is not None:
                # stacklevel 1: one place, so Python shows it once per process.
                warnings.warn(settings.warning, HalfConfiguredWarning, stacklevel=1)
            if settings.base_url is None or settings.user_token is None:
                return
            base_url, user_token = settings.base_url, settings.user_token
        elif base_url is None or user_token is None:
            base_url, user_token = self._complete(base_url, user_token)
        self.delegate = _api_adapter(base_url, user_token, options)
        self.noop = False
        if type(self).update_task is ServerDefault.update_task:
            # Called for every status change of every task: the engine then reaches the adapter
            # reporting over HTTP directly, not through this one.
            self.update_task = self.delegate.update_task  # type: ignore[method-assign]

    @staticmethod
    def _complete(base_url: str | None, user_token: str | None) -> tuple[str, str]:
        """The argument not given, from its variables."""
        from dotflow.core.managed import TOKEN_VARIABLES, URL_VARIABLES, first_set

        given, missing, names = (
            ("base_url", "user_token", TOKEN_VARIABLES)
            if user_token is None
            else ("user_token", "base_url", URL_VARIABLES)
        )
        _, value = first_set(os.environ, names)
        if value is None:
            msg = (
                f"ServerDefault({given}=...) needs {missing} too: pass {missing}=... or set "
                f"{' or '.join(names)}"
            )
            raise ValueError(msg)
        if base_url is None:
            return value, str(user_token)
        return base_url, value

    def __repr__(self) -> str:
        if self.delegate is None:
            return "ServerDefault()"
        return f"ServerDefault(reporting to {self.delegate!r})"

    def create_workflow(self, workflow: str) -> None:
        if self.delegate is not None:
            self.delegate.create_workflow(workflow)

    def update_workflow(self, workflow: str, status: WorkflowStatus) -> None:
        if self.delegate is not None:
            self.delegate.update_workflow(workflow, status)

    def create_task(self, task: Task) -> None:
        if self.delegate is not None:
            self.delegate.create_task(task)

    def update_task(self, task: Task) -> None:
        if self.delegate is not None:
            self.delegate.update_task(task)

    def flush(self, timeout: float | None = None) -> bool:
        return True if self.delegate is None else self.delegate.flush(timeout)
