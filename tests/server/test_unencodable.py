"""Payloads the reporter cannot encode (issue 13, item 3).

A result holding a cycle, a lone surrogate (``os.listdir`` on a non-UTF-8 name) or NaN, or an
error message holding a surrogate: the status still reaches the backend, with the values
replaced by a marker saying why, and the sender counts and logs each such event.
"""

from __future__ import annotations

import json
import logging

import pytest
from pytest_httpserver import HTTPServer
from server_helpers import TOKEN  # type: ignore[import-not-found]

from dotflow import Config, DotFlow, action
from dotflow.server import ServerAPI

FAST = {"backoff_base": 0.01, "backoff_max": 0.05, "timeout": 2.0, "flush_timeout": 20.0}


@action
def loop() -> list:
    value: list = [1]
    value.append(value)
    return value


@action
def listing() -> str:
    return "caf\udce9.txt"


@action
def not_a_number() -> float:
    return float("nan")


@action
def first_ok() -> int:
    return 1


@action
def broken() -> None:
    raise FileNotFoundError(2, "No such file", "caf\udce9.txt")


@pytest.mark.parametrize("step", [loop, listing, not_a_number, broken])
def test_the_final_status_is_delivered_with_a_marker(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture, step
) -> None:
    httpserver.expect_request("/workflows/wf-x", method="PATCH").respond_with_json({})
    httpserver.expect_request("/workflows/wf-x/tasks", method="POST").respond_with_json({})
    httpserver.expect_request("/workflows/wf-x/tasks/1", method="PATCH").respond_with_json({})
    httpserver.expect_request("/workflows/wf-x/tasks/2", method="PATCH").respond_with_json({})
    api = ServerAPI(httpserver.url_for(""), TOKEN, **FAST)
    workflow = DotFlow(Config(server=api), workflow_id="wf-x")
    workflow.task.add(step)
    workflow.task.add(loop if step is broken else first_ok)
    with caplog.at_level(logging.WARNING, logger="dotflow.server"):
        workflow.start(keep_going=True)

    bodies = {}
    marked = 0
    for request, _ in httpserver.log:
        body = json.loads(request.data)  # every body is standard JSON
        bodies.setdefault(request.path, []).append(body.get("status"))
        contexts = [body.get(name) for name in ("current_context", "previous_context")]
        if any(isinstance(c, dict) and c.get("unserializable") for c in contexts):
            marked += 1
    final = "Failed" if step is broken else "Completed"
    assert bodies["/workflows/wf-x/tasks/1"] == ["In progress", final]
    assert bodies["/workflows/wf-x/tasks/2"] == ["In progress", "Completed"]
    assert bodies["/workflows/wf-x"][-1] == ("Failed" if step is broken else "Completed")
    stats = api.stats()
    assert stats.failed == 0 and stats.sent == len(httpserver.log)
    assert stats.unencodable >= 1
    if step is not broken:
        assert marked == stats.unencodable
    assert caplog.text.count("has no JSON form") == stats.unencodable


def test_a_surrogate_in_an_error_message_is_escaped_not_lost(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/workflows/wf-e/tasks/1", method="PATCH").respond_with_json({})
    httpserver.expect_request("/workflows/wf-e", method="PATCH").respond_with_json({})
    httpserver.expect_request("/workflows/wf-e/tasks", method="POST").respond_with_json({})
    api = ServerAPI(httpserver.url_for(""), TOKEN, **FAST)
    workflow = DotFlow(Config(server=api), workflow_id="wf-e")
    workflow.task.add(broken)
    workflow.start()
    last = json.loads(httpserver.log[-2][0].data)
    assert last["status"] == "Failed"
    assert "caf\\udce9.txt" in last["errors"][0]["message"]


def test_a_token_with_a_newline_is_refused_without_showing_it() -> None:
    token = "secret-part-one\nsecret-part-two"
    with pytest.raises(ValueError, match="control character") as caught:
        ServerAPI("http://127.0.0.1:9", token)
    assert "secret-part" not in str(caught.value)


def test_an_escaped_token_in_an_error_message_is_redacted() -> None:
    from dotflow.server.transport import Secret

    secret = Secret("abc\tdefghij")
    assert secret.redact("bad header value: 'abc\\tdefghij'") == "bad header value: '***'"
