"""Sequence numbers (issue 13, item 4, the client half): every event ServerAPI sends carries
``X-Dotflow-Sequence: N`` and ``"sequence": N``, strictly increasing per workflow in the order the
engine emitted the events, the same on every retry, and above an earlier process's numbers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from server_helpers import TOKEN  # type: ignore[import-not-found]
from werkzeug import Request, Response

from dotflow import Config, DotFlow, Task, TypeStatus, WorkflowStatus, action
from dotflow.server import ServerAPI

FAST = {"backoff_base": 0.01, "backoff_max": 0.05, "timeout": 2.0, "flush_timeout": 20.0}


@action
def first():
    return {"rows": 3}


@action
def second(previous_context):
    return {"rows": previous_context.storage["rows"] * 2}


def _sent(httpserver: HTTPServer) -> list[tuple[str, str, int, dict]]:
    """(method, path, header sequence, body) of every request, in arrival order."""
    return [
        (
            request.method,
            request.path,
            int(request.headers["X-Dotflow-Sequence"]),
            json.loads(request.data),
        )
        for request, _ in httpserver.log
    ]


def test_every_event_carries_one_increasing_sequence(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/workflows", method="POST").respond_with_json({}, status=201)
    httpserver.expect_request(
        "/workflows/wf-seq", method="PATCH", headers={"X-User-Token": TOKEN}
    ).respond_with_json({})
    httpserver.expect_request("/workflows/wf-seq/tasks", method="POST").respond_with_json({})
    for task_id in (1, 2):
        httpserver.expect_request(
            f"/workflows/wf-seq/tasks/{task_id}", method="PATCH"
        ).respond_with_json({})
    api = ServerAPI(httpserver.url_for(""), TOKEN, **FAST)
    workflow = DotFlow(Config(server=api), workflow_id="wf-seq")
    workflow.task.add(first)
    workflow.task.add(second)
    before = time.time_ns() // 1000
    workflow.start()
    after = time.time_ns() // 1000

    sent = _sent(httpserver)
    assert [(method, path, body.get("status")) for method, path, _, body in sent] == [
        ("POST", "/workflows/wf-seq/tasks", "Not started"),
        ("POST", "/workflows/wf-seq/tasks", "Not started"),
        ("PATCH", "/workflows/wf-seq", "In progress"),
        ("PATCH", "/workflows/wf-seq/tasks/1", "In progress"),
        ("PATCH", "/workflows/wf-seq/tasks/1", "Completed"),
        ("PATCH", "/workflows/wf-seq/tasks/2", "In progress"),
        ("PATCH", "/workflows/wf-seq/tasks/2", "Completed"),
        ("PATCH", "/workflows/wf-seq", "Completed"),
    ]
    numbers = [header for _, _, header, _ in sent]
    assert [body["sequence"] for _, _, _, body in sent] == numbers
    assert numbers == sorted(set(numbers))  # strictly increasing
    # The wall clock in microseconds: the creations came before start(), the rest within it.
    assert numbers[-1] <= after and numbers[2] >= before


def test_numbers_are_per_workflow_and_a_later_instance_continues_above(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/workflows/a", method="PATCH").respond_with_json({})
    httpserver.expect_request("/workflows/b", method="PATCH").respond_with_json({})
    earlier = ServerAPI(httpserver.url_for(""), TOKEN, **FAST)
    for _ in range(50):  # far faster than the clock: numbers go on by + 1
        earlier.update_workflow("a", WorkflowStatus.IN_PROGRESS)
    earlier.update_workflow("b", WorkflowStatus.IN_PROGRESS)
    earlier.close()
    later = ServerAPI(httpserver.url_for(""), TOKEN, **FAST)  # as a resume in a new process
    later.update_workflow("a", WorkflowStatus.COMPLETED)
    later.close()

    sent = _sent(httpserver)
    a_numbers = [number for _, path, number, _ in sent if path == "/workflows/a"]
    assert len(a_numbers) == 51 and len(set(a_numbers)) == 51
    assert a_numbers == sorted(a_numbers)
    assert a_numbers[-1] > a_numbers[-2]


@pytest.fixture
def threaded_httpserver() -> Iterator[HTTPServer]:
    """A server that answers the retry while the first, slow request still hangs."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


def test_a_request_that_times_out_is_retried_with_its_original_sequence(
    threaded_httpserver: HTTPServer,
) -> None:
    httpserver = threaded_httpserver
    release = threading.Event()
    calls: list[tuple[int, str]] = []

    def slow_once(request: Request) -> Response:
        calls.append(
            (int(request.headers["X-Dotflow-Sequence"]), request.headers["Idempotency-Key"])
        )
        if len(calls) == 1:
            release.wait(10)  # outlives the client's timeout; the client retries
        return Response("{}", status=200, content_type="application/json")

    httpserver.expect_request("/workflows/wf-slow/tasks/1", method="PATCH").respond_with_handler(
        slow_once
    )
    httpserver.expect_request("/workflows/wf-slow", method="PATCH").respond_with_json({})
    api = ServerAPI(httpserver.url_for(""), TOKEN, **{**FAST, "timeout": 0.3})
    try:
        task = Task(1, "wf-slow", first, status=TypeStatus.IN_PROGRESS)
        api.update_task(task)
        api.update_workflow("wf-slow", WorkflowStatus.COMPLETED)
        assert api.flush() is True
    finally:
        release.set()
        api.close()
    assert len(calls) >= 2
    assert len({number for number, _ in calls}) == 1
    assert len({key for _, key in calls}) == 1
    final = [r for r in httpserver.log if r[0].path == "/workflows/wf-slow"]
    assert int(final[0][0].headers["X-Dotflow-Sequence"]) > calls[0][0]
