"""The JSON API: the four writes ServerAPI sends, the read API and the live stream."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from dotflow.dashboard.bodies import (
    SEQUENCE_HEADER,
    BadRequest,
    parse_json,
    parse_sequence,
    read_body,
)
from dotflow.dashboard.reads import MAX_LIMIT
from dotflow.dashboard.state import State
from dotflow.dashboard.writes import Write

__all__ = ["events", "health", "read_workflow", "read_workflows", "stream", "write"]

logger = logging.getLogger(__name__)

_MAX_KEY = 256


def _state(request: Request) -> State:
    state: State = request.app.state.dashboard
    return state


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _drop(request: Request) -> None:
    # Fault injection only: close the connection without an answer. uvicorn's send callable is
    # a bound method of the request cycle, which holds the transport.
    transport = getattr(getattr(request.receive, "__self__", None), "transport", None)
    if transport is None:  # pragma: no cover - another ASGI server
        raise ConnectionAbortedError("fault injection: drop")
    with contextlib.suppress(OSError):
        transport.get_extra_info("socket").shutdown(socket.SHUT_RDWR)
    transport.close()
    # Let the server see the disconnection before the handler returns.
    for _ in range(3):
        await asyncio.sleep(0)


async def write(request: Request) -> Response:
    """``POST /workflows``, ``PATCH /workflows/{id}``, ``POST|PATCH .../tasks[/{id}]``."""
    state = _state(request)
    path: str = request.scope["path"]
    parts = tuple(part for part in path.split("/") if part)
    # The token is checked before the body is read: a stranger's upload costs nothing.
    authorized = state.auth.runner(request.headers.get("x-user-token"))
    key = request.headers.get("idempotency-key")
    try:
        raw = b""
        if state.faults is not None:
            state.record(request.method, path, authorized)
            fault = state.faults.take()
            if fault.delay:
                # A slow backend that did receive the request: it applies it late, whatever
                # the client did meanwhile.
                if authorized:
                    raw = await read_body(request, state.settings.max_body)
                await asyncio.sleep(fault.delay)
            if fault.drop:
                await _drop(request)
                return Response(status_code=499)
            if fault.status is not None:
                return _error(fault.status, "injected fault")
        if not authorized:
            return _error(401, "missing or wrong X-User-Token")
        if key is not None and (len(key) > _MAX_KEY or not key.isprintable()):
            return _error(400, f"Idempotency-Key must be at most {_MAX_KEY} printable characters")
        raw = raw or await read_body(request, state.settings.max_body)
        body = parse_json(raw)
        sequence = parse_sequence(request.headers.get(SEQUENCE_HEADER), body)
    except BadRequest as error:
        return _error(error.status, str(error))
    except ClientDisconnect:
        return Response(status_code=499)  # nobody is left to answer
    write_ = Write(request.method, parts, body, key or None, sequence)
    status, document = await state.store.submit_async(write_)
    return JSONResponse(document, status_code=status)


async def health(request: Request) -> Response:
    """``GET /health``: 200 when the database answers."""
    try:
        await asyncio.to_thread(_state(request).store.ping)
    except Exception as error:
        return _error(503, f"the database does not answer: {type(error).__name__}")
    return JSONResponse({"status": "ok"})


def _number(request: Request, name: str) -> float | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except ValueError:
        raise BadRequest(400, f"{name!r} must be a number (seconds since the epoch)") from None
    if not math.isfinite(number):
        raise BadRequest(400, f"{name!r} must be a finite number")
    return number


def _count(request: Request, name: str, default: int, top: int | None) -> int:
    value = request.query_params.get(name)
    if value in (None, ""):
        return default
    if not (value.isascii() and value.isdigit()):
        raise BadRequest(400, f"{name!r} must be a non-negative integer")
    number = int(value)
    if top is not None and not 1 <= number <= top:
        raise BadRequest(400, f"{name!r} must be between 1 and {top}")
    return number


def workflow_filters(request: Request) -> dict[str, Any]:
    """The list filters of a request's query string.

    Raises:
        BadRequest: a filter that is not what it must be.
    """
    return {
        "status": request.query_params.get("status") or None,
        "name": request.query_params.get("name") or None,
        "since": _number(request, "since"),
        "until": _number(request, "until"),
        "limit": _count(request, "limit", 50, MAX_LIMIT),
        "offset": _count(request, "offset", 0, None),
    }


async def read_workflows(request: Request) -> Response:
    """``GET /api/workflows?status=&name=&since=&until=&limit=&offset=``."""
    state = _state(request)
    if not state.auth.viewer(request):
        return _error(401, "a viewer token is needed (X-Viewer-Token or log in)")
    try:
        filters = workflow_filters(request)
    except BadRequest as error:
        return _error(error.status, str(error))
    page = await asyncio.to_thread(state.store.workflows, **filters)
    return JSONResponse(page)


async def read_workflow(request: Request) -> Response:
    """``GET /api/workflows/{id}``: the workflow, its tasks and status histories."""
    state = _state(request)
    if not state.auth.viewer(request):
        return _error(401, "a viewer token is needed (X-Viewer-Token or log in)")
    wid = request.path_params["wid"]
    found = await asyncio.to_thread(state.store.workflow, wid)
    if found is None:
        return _error(404, f"no workflow {wid!r}")
    return JSONResponse(found)


async def events(request: Request) -> Response:
    """``GET /api/events``: every recorded write, oldest first (when events are recorded)."""
    state = _state(request)
    if not state.auth.viewer(request):
        return _error(401, "a viewer token is needed (X-Viewer-Token or log in)")
    return JSONResponse({"events": await asyncio.to_thread(state.store.events)})


async def stream(request: Request) -> Response:
    """``GET /api/stream[?workflow=id]``: Server-Sent Events, one ``change`` per commit."""
    state = _state(request)
    if not state.auth.viewer(request):
        return _error(401, "a viewer token is needed (X-Viewer-Token or log in)")
    workflow = request.query_params.get("workflow") or None

    async def lines() -> AsyncIterator[str]:
        # Tell the browser how soon to reconnect after a restart of the dashboard.
        yield "retry: 1000\n\n"
        async for name, data in state.broker.stream(workflow, state.heartbeat):
            data = {**data, "at": time.time()}
            yield f"event: {name}\ndata: {json.dumps(data)}\n\n"

    return StreamingResponse(
        lines(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
