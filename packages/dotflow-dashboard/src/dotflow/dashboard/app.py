"""create_app: the dashboard as an ASGI application (Starlette)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dotflow.dashboard import api, pages
from dotflow.dashboard.faults import Faults
from dotflow.dashboard.settings import Settings
from dotflow.dashboard.state import State
from dotflow.dashboard.store import Store

__all__ = ["create_app"]

logger = logging.getLogger(__name__)


class _InternalErrors:
    """Answers an unexpected error with a JSON 500 and logs it once (no bare traceback)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            logger.exception("%s %s failed", scope.get("method"), scope.get("path"))
            if started:
                raise
            reply = JSONResponse(
                {"error": "internal error (see the dashboard's log)"}, status_code=500
            )
            await reply(scope, receive, send)


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    faults: Faults | None = None,
    heartbeat: float = 15.0,
) -> Starlette:
    """The dashboard application.

    Args:
        settings: what to serve and how (default: ``Settings()``).
        store: an open store to use (default: one opened from ``settings``; closed on shutdown).
        faults: inject faults into write requests (tests).
        heartbeat: seconds between keep-alive comments on idle live streams.
    """
    settings = settings or Settings()
    owned = store is None
    store = store or Store(
        settings.db,
        strict=settings.strict,
        record_events=settings.record_events,
        keep_days=settings.keep_days,
        max_events=settings.max_events,
    )
    state = State(settings, store, faults, heartbeat)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        state.broker.start()
        try:
            yield
        finally:
            state.broker.stop()
            if owned:
                store.close()

    writes = ["POST", "PATCH"]
    app = Starlette(
        routes=[
            Route("/", pages.workflows_page, methods=["GET"]),
            Route("/health", api.health, methods=["GET"]),
            Route("/login", pages.login_form, methods=["GET"]),
            Route("/login", pages.login, methods=["POST"]),
            Route("/logout", pages.logout, methods=["POST"]),
            Route("/api/workflows", api.read_workflows, methods=["GET"]),
            Route("/api/workflows/{wid:path}", api.read_workflow, methods=["GET"]),
            Route("/api/events", api.events, methods=["GET"]),
            Route("/api/stream", api.stream, methods=["GET"]),
            Route("/workflows", api.write, methods=writes),
            Route("/workflows/{wid}/tasks", api.write, methods=writes),
            Route("/workflows/{wid}/tasks/{tid}", api.write, methods=writes),
            Route("/workflows/{wid}", api.write, methods=writes),
            Route("/workflows/{wid}", pages.workflow_page, methods=["GET"]),
            Mount(
                "/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"
            ),
            # Any other write: the runner token is checked first, then a JSON 404.
            Route("/{rest:path}", api.write, methods=writes),
        ],
        middleware=[Middleware(_InternalErrors)],
        lifespan=lifespan,
    )
    app.state.dashboard = state
    return app
