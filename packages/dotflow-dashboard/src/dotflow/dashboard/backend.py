"""Backend: an in-memory dashboard in a thread, for local watching and as a test double."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from dotflow.dashboard.app import create_app
from dotflow.dashboard.faults import Faults
from dotflow.dashboard.server import ThreadedServer
from dotflow.dashboard.settings import Settings
from dotflow.dashboard.state import State
from dotflow.dashboard.store import Store

__all__ = ["Backend"]


class Backend:
    """The dashboard on a free port of 127.0.0.1, with an in-memory database by default.

    It accepts what ServerAPI sends, records every accepted write (:attr:`events`) and every
    write request (:attr:`requests`), and can inject faults (:attr:`faults`). Reads are public
    unless ``viewer_token`` is given.

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
        db: the database URL (default ``memory``).
        viewer_token: the token for pages and the read API (default: public reads).
        max_events: how many events and idempotency keys to keep (the newest; memory stays
            bounded however long it runs).
        heartbeat: seconds between keep-alive comments on idle live streams.
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
        db: str = "memory",
        viewer_token: str | None = None,
        max_events: int | None = 10_000,
        heartbeat: float = 15.0,
    ) -> None:
        self.settings = Settings(
            db=db,
            runner_tokens=(token,) if token else (),
            viewer_token=viewer_token,
            public_read=viewer_token is None,
            strict=strict,
            record_events=True,
            max_events=max_events,
        )
        self.faults = Faults(fail, fail_status, drop, delay, delay_count)
        self.store = Store(db, strict=strict, record_events=True, max_events=max_events)
        self.app = create_app(
            self.settings, store=self.store, faults=self.faults, heartbeat=heartbeat
        )
        self._state: State = self.app.state.dashboard
        self._address = (host, port)
        self._server: ThreadedServer | None = None

    def __repr__(self) -> str:
        state = self._server.url if self._server is not None else "stopped"
        return f"<Backend {state}>"

    def start(self) -> Backend:
        """Listen and serve from a daemon thread; returns ``self``."""
        if self._server is None:
            server = ThreadedServer(self.app, *self._address)
            server.start()
            self._server = server
        return self

    def stop(self) -> None:
        """Stop serving; the store stays readable until :meth:`close`."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def close(self) -> None:
        """Stop serving and close the store."""
        self.stop()
        self.store.close()

    def __enter__(self) -> Backend:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        """``http://host:port`` of the running backend."""
        if self._server is None:
            msg = "the backend is not running: call start() first"
            raise RuntimeError(msg)
        return self._server.url

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every accepted write (seq, method, path, body, received_at), in order of arrival."""
        return self.store.events()

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every write request that arrived, accepted or not (method, path, authorized)."""
        return self._state.requests()

    def workflow(self, workflow_id: str) -> dict[str, Any] | None:
        """What ``GET /api/workflows/{id}`` shows."""
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
