"""Backend: the reference backend as an object tests and scripts start and stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from dotflow.server.backend.faults import Faults
from dotflow.server.backend.handler import BackendHTTPServer
from dotflow.server.backend.store import Store

__all__ = ["Backend"]


class Backend:
    """An in-memory backend for the four ServerAPI endpoints, served from a thread.

    Args:
        host: the interface to listen on.
        port: the port (0: a free one; read :attr:`url`).
        token: the only ``X-User-Token`` accepted (``None``: any non-empty token); others get 401.
        strict: answer 404 for updates of unknown workflows/tasks instead of creating them.
        fail: answer the first ``fail`` write requests with ``fail_status``.
        fail_status: the status for ``fail``.
        drop: close the connection of the first ``drop`` write requests without answering.
        delay: seconds to wait before handling write requests (the first ``delay_count`` ones,
            or all when ``delay_count`` is ``None``).
        delay_count: how many requests ``delay`` applies to.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        strict: bool = False,
        *,
        fail: int = 0,
        fail_status: int = 500,
        drop: int = 0,
        delay: float = 0.0,
        delay_count: int | None = None,
    ) -> None:
        self.store = Store(strict=strict)
        self.faults = Faults(fail, fail_status, drop, delay, delay_count)
        self._address = (host, port)
        self._token = token
        self._server: BackendHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        state = self.url if self._server is not None else "stopped"
        return f"<Backend {state}>"

    def start(self) -> Backend:
        """Listen and serve from a daemon thread; returns ``self``."""
        if self._server is not None:
            return self
        self._server = BackendHTTPServer(self._address, self.store, self._token, self.faults)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="dotflow-backend",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Backend:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://host:port`` of the running backend."""
        if self._server is None:
            msg = "the backend is not running: call start() first"
            raise RuntimeError(msg)
        host, port = self._server.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        return f"http://{host}:{port}"

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every accepted write (method, path, body, seq), in order of arrival."""
        return self.store.events()

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every write request that arrived, accepted or not (method, path, authorized)."""
        if self._server is None:
            return []
        with self._server.requests_lock:
            return list(self._server.requests)

    def workflow(self, workflow_id: str) -> dict[str, Any] | None:
        """What ``GET /workflows/{id}`` shows."""
        return self.store.workflow(workflow_id)

    def wait_for(self, predicate: Callable[[Backend], bool], timeout: float = 10.0) -> bool:
        """Poll until ``predicate(self)`` is true; ``False`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate(self):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
