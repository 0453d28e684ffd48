"""ServerAPI against pytest-httpserver: exact URLs, headers, bodies and ordering per request."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable

import pytest
from pytest_httpserver import HTTPServer
from server_helpers import TOKEN  # type: ignore[import-not-found]
from werkzeug import Request, Response

from dotflow import Config, DotFlow, Task, TypeStatus, WorkflowStatus, action
from dotflow.server import ServerAPI

FAST = {"backoff_base": 0.01, "backoff_max": 0.05, "timeout": 2.0, "flush_timeout": 10.0}


@action
def first():
    return {"rows": 3}


@action
def second(previous_context):
    return {"rows": previous_context.storage["rows"] * 2}


def api_for(httpserver: HTTPServer, path: str = "", **options) -> ServerAPI:
    return ServerAPI(httpserver.url_for(path), TOKEN, **{**FAST, **options})


def bodies(httpserver: HTTPServer) -> list[dict]:
    return [json.loads(request.data) for request, _ in httpserver.log]


def test_create_workflow_posts_its_id(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(
        "/workflows", method="POST", headers={"X-User-Token": TOKEN}
    ).respond_with_json({"id": "wf-1"}, status=201)
    api = api_for(httpserver)
    api.create_workflow("wf-1")
    assert api.flush() is True
    httpserver.check_assertions()
    request = httpserver.log[0][0]
    sequence = int(request.headers["X-Dotflow-Sequence"])
    assert json.loads(request.data) == {"id": "wf-1", "sequence": sequence}
    assert request.headers["Content-Type"] == "application/json"
    assert len(request.headers["Idempotency-Key"]) == 32
    assert api.stats().sent == 1


def test_update_workflow_patches_its_status(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(
        "/workflows/wf-1",
        method="PATCH",
        headers={"X-User-Token": TOKEN},
    ).respond_with_json({})
    httpserver.expect_ordered_request("/workflows/wf-1", method="PATCH").respond_with_json({})
    api = api_for(httpserver)
    api.update_workflow("wf-1", WorkflowStatus.IN_PROGRESS)
    api.update_workflow("wf-1", WorkflowStatus.FAILED)
    api.flush()
    httpserver.check_assertions()
    assert len(httpserver.log) == 2
    sent = bodies(httpserver)
    assert [{k: v for k, v in b.items() if k != "sequence"} for b in sent] == [
        {"status": "In progress"},
        {"status": "Failed"},
    ]
    assert sent[0]["sequence"] < sent[1]["sequence"]


def test_task_payloads_follow_seed_002(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(
        "/api/v1/workflows/wf-7/tasks", method="POST"
    ).respond_with_json({})
    httpserver.expect_ordered_request(
        "/api/v1/workflows/wf-7/tasks/2", method="PATCH"
    ).respond_with_json({})
    api = api_for(httpserver, "/api/v1/")  # a trailing slash is dropped
    task = Task(2, "wf-7", first, initial_context=None)
    api.create_task(task)
    task.status = TypeStatus.COMPLETED
    task.duration = 1.5
    api.update_task(task)
    api.flush()
    httpserver.check_assertions()
    created, updated = bodies(httpserver)
    assert created["id"] == 2 and "task_id" not in created
    assert created["status"] == "Not started"
    assert updated["task_id"] == 2
    for key in (
        "status",
        "duration",
        "retry_count",
        "errors",
        "initial_context",
        "current_context",
        "previous_context",
    ):
        assert key in updated
    assert updated["status"] == "Completed" and updated["duration"] == 1.5


def test_a_whole_run_in_order(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/workflows", method="POST").respond_with_json({}, status=201)
    api = api_for(httpserver)
    workflow = DotFlow(Config(server=api))
    wid = workflow.workflow_id
    base = f"/workflows/{wid}"
    expected = [("POST", f"{base}/tasks", "Not started")] * 2 + [
        ("PATCH", base, "In progress"),
        ("PATCH", f"{base}/tasks/1", "In progress"),
        ("PATCH", f"{base}/tasks/1", "Completed"),
        ("PATCH", f"{base}/tasks/2", "In progress"),
        ("PATCH", f"{base}/tasks/2", "Completed"),
        ("PATCH", base, "Completed"),
    ]
    for method, path, _ in expected:
        httpserver.expect_ordered_request(
            path, method=method, headers={"X-User-Token": TOKEN}
        ).respond_with_json({})
    workflow.task.add(first)
    workflow.task.add(second)
    run = workflow.start()
    assert run.status is WorkflowStatus.COMPLETED
    # start() flushed before returning: everything is already there.
    httpserver.check_assertions()
    assert len(httpserver.log) == 1 + len(expected)
    sent = bodies(httpserver)
    assert sent[0] == {"id": wid, "sequence": sent[0]["sequence"]}
    assert [body.get("status") for body in sent[1:]] == [status for _, _, status in expected]
    assert sent[5]["current_context"] == {"rows": 3}
    assert sent[7]["previous_context"] == {"rows": 3}
    assert sent[7]["current_context"] == {"rows": 6}


def test_given_workflow_id_is_never_created(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/workflows/given-id", method="PATCH").respond_with_json({})
    httpserver.expect_request("/workflows/given-id/tasks", method="POST").respond_with_json({})
    httpserver.expect_request("/workflows/given-id/tasks/1", method="PATCH").respond_with_json({})
    workflow = DotFlow(Config(server=api_for(httpserver)), workflow_id="given-id")
    workflow.task.add(first)
    workflow.start()
    paths = [(request.method, request.path) for request, _ in httpserver.log]
    assert ("POST", "/workflows") not in paths
    assert len(paths) == 5
    assert all(response.status_code == 200 for _, response in httpserver.log)


def _answer_when(gate: threading.Event) -> Callable[[Request], Response]:
    """A handler that holds its answer until ``gate`` is set (10 s at most)."""

    def held(request: Request) -> Response:
        gate.wait(10)
        return Response("{}", content_type="application/json")

    return held


def test_flush_says_when_it_gave_up_waiting(httpserver: HTTPServer) -> None:
    gate = threading.Event()
    httpserver.expect_request("/workflows", method="POST").respond_with_handler(_answer_when(gate))
    api = api_for(httpserver)
    api.create_workflow("w")
    try:
        assert api.flush(timeout=0.2) is False
    finally:
        gate.set()
    assert api.flush(timeout=10) is True  # the answer came: nothing is pending any more
    assert len(httpserver.log) == 1


def test_payload_is_snapshot_when_reported(httpserver: HTTPServer) -> None:
    gate = threading.Event()
    httpserver.expect_ordered_request("/workflows", method="POST").respond_with_handler(
        _answer_when(gate)
    )
    httpserver.expect_ordered_request("/workflows/w/tasks/1", method="PATCH").respond_with_json({})
    api = api_for(httpserver)
    api.create_workflow("w")  # keeps the sender busy until the gate opens
    task = Task(1, "w", first)
    task.status = TypeStatus.IN_PROGRESS
    task.current_context.storage = {"n": 1}
    api.update_task(task)
    # The task moves on before the update is sent; what was reported must not change.
    task.status = TypeStatus.COMPLETED
    task.current_context.storage["n"] = 2
    gate.set()
    api.flush()
    httpserver.check_assertions()
    assert bodies(httpserver)[1]["status"] == "In progress"
    assert bodies(httpserver)[1]["current_context"] == {"n": 1}


def test_4xx_is_logged_and_dropped_without_retry(httpserver: HTTPServer, caplog) -> None:
    httpserver.expect_ordered_request("/workflows", method="POST").respond_with_json(
        {"error": "bad"}, status=422
    )
    httpserver.expect_ordered_request("/workflows/w", method="PATCH").respond_with_json({})
    api = api_for(httpserver)
    with caplog.at_level(logging.ERROR, logger="dotflow.server"):
        api.create_workflow("w")
        api.update_workflow("w", WorkflowStatus.COMPLETED)
        api.flush()
    httpserver.check_assertions()
    assert len(httpserver.log) == 2
    assert "HTTP 422" in caplog.text and "dropped" in caplog.text
    stats = api.stats()
    assert (stats.sent, stats.failed) == (1, 1)


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_transient_statuses_are_retried_with_the_same_key(
    httpserver: HTTPServer, status: int
) -> None:
    for _ in range(2):
        httpserver.expect_ordered_request("/workflows/w", method="PATCH").respond_with_json(
            {}, status=status, headers={"Retry-After": "0"}
        )
    httpserver.expect_ordered_request("/workflows/w", method="PATCH").respond_with_json({})
    api = api_for(httpserver)
    api.update_workflow("w", WorkflowStatus.COMPLETED)
    api.flush()
    httpserver.check_assertions()
    keys = {request.headers["Idempotency-Key"] for request, _ in httpserver.log}
    assert len(httpserver.log) == 3 and len(keys) == 1
    assert api.stats().sent == 1


def test_retry_after_is_capped_by_backoff_max(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/workflows/w", method="PATCH").respond_with_json(
        {}, status=429, headers={"Retry-After": "3600"}
    )
    httpserver.expect_ordered_request("/workflows/w", method="PATCH").respond_with_json({})
    api = api_for(httpserver)
    api.update_workflow("w", WorkflowStatus.COMPLETED)
    api.flush(timeout=10)
    httpserver.check_assertions()
    assert api.stats().sent == 1


def test_bounded_attempts_then_the_backend_counts_as_unreachable(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/workflows/w", method="PATCH").respond_with_json({}, status=500)
    api = api_for(httpserver, max_attempts=3)
    api.update_workflow("w", WorkflowStatus.IN_PROGRESS)
    api.update_workflow("w", WorkflowStatus.COMPLETED)
    api.flush()
    # 3 attempts for the first event; then one for the next while the backend stays down.
    assert len(httpserver.log) == 4
    stats = api.stats()
    assert (stats.sent, stats.failed, stats.pending) == (0, 2, 0)


def test_recovered_backend_gets_full_retries_again(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/workflows/w", method="PATCH").respond_with_json(
        {}, status=503
    )
    httpserver.expect_ordered_request("/workflows/w", method="PATCH").respond_with_json(
        {}, status=503
    )
    httpserver.expect_ordered_request("/workflows/w", method="PATCH").respond_with_json({})
    httpserver.expect_ordered_request("/workflows/w", method="PATCH").respond_with_json(
        {}, status=503
    )
    httpserver.expect_ordered_request("/workflows/w", method="PATCH").respond_with_json({})
    api = api_for(httpserver, max_attempts=2)
    for status in (WorkflowStatus.IN_PROGRESS, WorkflowStatus.FAILED, WorkflowStatus.COMPLETED):
        api.update_workflow("w", status)
    api.flush()
    httpserver.check_assertions()
    assert [b["status"] for b in bodies(httpserver)] == [
        "In progress",
        "In progress",
        "Failed",
        "Completed",
        "Completed",
    ]
    # The first event failed twice (max_attempts) and was dropped; one attempt got through
    # afterwards, so the third event had its full two attempts again.
    stats = api.stats()
    assert (stats.sent, stats.failed) == (2, 1)


def test_flush_waits_at_most_its_timeout(httpserver: HTTPServer) -> None:
    gate = threading.Event()

    def stuck(request: Request) -> Response:
        gate.wait(10)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/workflows/w", method="PATCH").respond_with_handler(stuck)
    api = api_for(httpserver, timeout=30.0, flush_timeout=0.2)
    api.update_workflow("w", WorkflowStatus.COMPLETED)
    try:
        api.flush()  # the default bound: flush_timeout
        assert api.stats().pending == 1
        api.flush(timeout=0.1)
        assert api.stats().pending == 1
    finally:
        gate.set()
    api.flush(timeout=10)
    assert api.stats().pending == 0 and api.stats().sent == 1


def test_sender_thread_is_a_lazy_daemon(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/workflows/w", method="PATCH").respond_with_json({})
    before = {t for t in threading.enumerate() if t.name == "dotflow-server-sender"}
    api = api_for(httpserver)
    assert {t for t in threading.enumerate() if t.name == "dotflow-server-sender"} == before
    api.update_workflow("w", WorkflowStatus.COMPLETED)
    senders = {t for t in threading.enumerate() if t.name == "dotflow-server-sender"} - before
    assert len(senders) == 1 and next(iter(senders)).daemon
    api.close()
    assert api.stats().sent == 1


def test_closed_api_drops_new_events(httpserver: HTTPServer) -> None:
    api = api_for(httpserver)
    api.close()
    api.update_workflow("w", WorkflowStatus.COMPLETED)
    assert api.stats().dropped == 1
    assert httpserver.log == []


def test_redirects_are_not_followed_with_the_token(httpserver: HTTPServer, caplog) -> None:
    httpserver.expect_request("/workflows/w", method="PATCH").respond_with_data(
        "", status=307, headers={"Location": "http://127.0.0.1:9/elsewhere"}
    )
    api = api_for(httpserver)
    with caplog.at_level(logging.ERROR, logger="dotflow.server"):
        api.update_workflow("w", WorkflowStatus.COMPLETED)
        api.flush()
    assert len(httpserver.log) == 1
    assert "redirected to http://127.0.0.1:9/elsewhere" in caplog.text
    assert api.stats().failed == 1
