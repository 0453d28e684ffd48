"""The HTML pages: the workflows list, a workflow, the login form."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from dotflow.dashboard import view
from dotflow.dashboard.api import workflow_filters
from dotflow.dashboard.auth import COOKIE
from dotflow.dashboard.bodies import BadRequest, read_body
from dotflow.dashboard.state import State

__all__ = ["TEMPLATES", "login", "login_form", "logout", "workflow_page", "workflows_page"]

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters.update(status_class=view.status_class, when=view.when, duration=view.duration)
STATUSES = ("Not started", "In progress", "Retry", "Completed", "Failed")
_LOGIN_BODY = 4096


def _state(request: Request) -> State:
    state: State = request.app.state.dashboard
    return state


def _render(name: str, values: dict[str, Any], status: int = 200) -> HTMLResponse:
    html = TEMPLATES.get_template(name).render(**values)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)


async def workflows_page(request: Request) -> Response:
    """``GET /``: every workflow, newest first, filtered and paginated like the read API."""
    state = _state(request)
    if not state.auth.viewer(request):
        return _to_login(request)
    try:
        filters = workflow_filters(request)
    except BadRequest as error:
        return _render("error.html", {"message": str(error)}, error.status)
    page = await asyncio.to_thread(state.store.workflows, **filters)
    query = {k: v for k, v in request.query_params.items() if k != "fragment"}
    values: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "statuses": STATUSES,
        "fragment_url": "/?" + urlencode({**query, "fragment": "1"}),
        "newer": _page_link(query, filters, -1, page["total"]),
        "older": _page_link(query, filters, 1, page["total"]),
        "public": state.auth.public_read,
    }
    if request.query_params.get("fragment"):
        return _render("_workflows.html", values)
    return _render("workflows.html", values)


def _page_link(query: dict[str, str], filters: dict[str, Any], step: int, total: int) -> str | None:
    offset = filters["offset"] + step * filters["limit"]
    if (offset < 0 and filters["offset"] == 0) or offset >= total:
        return None
    return "/?" + urlencode({**query, "offset": str(max(0, offset))})


async def workflow_page(request: Request) -> Response:
    """``GET /workflows/{id}``: tasks, timeline, errors and contexts, updated live."""
    state = _state(request)
    if not state.auth.viewer(request):
        return _to_login(request)
    wid = request.path_params["wid"]
    found = await asyncio.to_thread(state.store.workflow, wid)
    if found is None:
        return _render("error.html", {"message": f"No workflow {wid!r} (yet)."}, 404)
    values: dict[str, Any] = {
        "workflow": found,
        "timeline": view.timeline(found, time.time()),
        "contexts": {task["id"]: view.context_view(task) for task in found["tasks"]},
        "errors": [task for task in found["tasks"] if task.get("errors")],
        "public": state.auth.public_read,
    }
    if request.query_params.get("fragment"):
        return _render("_workflow.html", values)
    return _render("workflow.html", values)


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never send a person elsewhere after they logged in.
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


async def login_form(request: Request) -> Response:
    """``GET /login``."""
    values = {"next": _safe_next(request.query_params.get("next")), "failed": False}
    return _render("login.html", values)


async def login(request: Request) -> Response:
    """``POST /login`` (form field ``token``): sets the HttpOnly session cookie."""
    state = _state(request)
    try:
        raw = await read_body(request, _LOGIN_BODY)
    except BadRequest as error:
        return _render("error.html", {"message": str(error)}, error.status)
    form = parse_qs(raw.decode("utf-8", "replace"))
    target = _safe_next((form.get("next") or ["/"])[0])
    session = state.auth.login((form.get("token") or [""])[0])
    if session is None:
        return _render("login.html", {"next": target, "failed": True}, 401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        session,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=30 * 86400,
    )
    return response


async def logout(request: Request) -> Response:
    """``POST /logout``: forgets the session cookie."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response
