"""Seed 003 (the Server provider): every snippet, against pytest-httpserver on 127.0.0.1.

Adapted only where a snippet names a remote host and a real token: the URL is the local server's.
Seed 003 lists ``PATCH /tasks/{id}`` for task updates while seed 002 (and the example server in
both) use ``PATCH /workflows/{id}/tasks/{task_id}``; the latter is what is sent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from dotflow import Config, DotFlow, action

TOKEN = "your-api-token"
VARIABLES = ("SERVER_BASE_URL", "SERVER_USER_TOKEN", "DOTFLOW_SERVER_URL", "DOTFLOW_USER_TOKEN")


@pytest.fixture(autouse=True)
def no_server_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def api(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request("").respond_with_json({})  # the backend accepts every call
    return httpserver


def calls(httpserver: HTTPServer) -> list[tuple[str, str, dict[str, Any]]]:
    """Every request as (method, path, body), without the per-workflow ``sequence`` number our
    client adds to the seed's payload (checked here to increase in the order sent)."""
    sent = []
    sequences = []
    for request, _ in httpserver.log:
        body = json.loads(request.data)
        sequences.append(body.pop("sequence"))
        assert request.headers["X-Dotflow-Sequence"] == str(sequences[-1])
        sent.append((request.method, request.path, body))
    assert sequences == sorted(set(sequences))
    return sent


@action
def gives_data() -> dict[str, str]:
    return {"result": "data"}


_attempts: list[int] = []


@action(retry=2, retry_delay=0)
def fails_once() -> str:
    _attempts.append(1)
    if len(_attempts) == 1:
        raise RuntimeError("first attempt fails")
    return "ok"


@action
def always_fails() -> None:
    raise ValueError("broken on purpose")


def test_the_server_abc_has_the_four_methods() -> None:
    from dotflow.abc.server import Server

    assert {"create_workflow", "update_workflow", "create_task", "update_task"} <= set(
        Server.__abstractmethods__
    )


def test_config_with_server_default_reports_over_http(api: HTTPServer) -> None:
    from dotflow.providers import ServerDefault

    config = Config(
        server=ServerDefault(
            base_url=api.url_for("/api/v1"),
            user_token="your-api-token",
        )
    )
    workflow = DotFlow(config=config)
    workflow.task.add(step=gives_data)
    workflow.start()
    sent = calls(api)
    assert sent[0] == ("POST", "/api/v1/workflows", {"id": workflow.workflow_id})
    assert {r.headers["X-User-Token"] for r, _ in api.log} == {TOKEN}
    # "Task data sent on update"
    method, path, body = sent[-2]
    assert (method, path) == ("PATCH", f"/api/v1/workflows/{workflow.workflow_id}/tasks/1")
    assert {
        "status",
        "duration",
        "retry_count",
        "errors",
        "initial_context",
        "current_context",
        "previous_context",
    } <= set(body)
    assert body["status"] == "Completed" and body["retry_count"] == 0 and body["errors"] == []
    assert body["current_context"] == {"result": "data"}
    assert isinstance(body["duration"], float)
    assert sent[-1] == (
        "PATCH",
        f"/api/v1/workflows/{workflow.workflow_id}",
        {"status": "Completed"},
    )


def test_or_via_environment_variables(api: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOTFLOW_SERVER_URL", api.url_for("/api/v1"))
    monkeypatch.setenv("DOTFLOW_USER_TOKEN", "your-api-token")
    workflow = DotFlow()
    workflow.task.add(step=gives_data)
    workflow.start()
    paths = [(m, p) for m, p, _ in calls(api)]
    assert paths[0] == ("POST", "/api/v1/workflows")
    assert ("PATCH", f"/api/v1/workflows/{workflow.workflow_id}/tasks/1") in paths


def test_the_task_lifecycle_is_reported(api: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # start, retry, complete and fail, then the workflow's own status.
    monkeypatch.setenv("DOTFLOW_SERVER_URL", api.url_for("/"))
    monkeypatch.setenv("DOTFLOW_USER_TOKEN", TOKEN)
    _attempts.clear()
    workflow = DotFlow(workflow_id="lifecycle")
    workflow.task.add(step=fails_once)
    workflow.task.add(step=always_fails)
    workflow.start()
    per_task: dict[str, list[str]] = {}
    for method, path, body in calls(api):
        if method == "PATCH" and "/tasks/" in path:
            per_task.setdefault(path.rsplit("/", 1)[1], []).append(body["status"])
    assert per_task == {
        "1": ["In progress", "Retry", "Completed"],
        "2": ["In progress", "Failed"],
    }
    failed = [b for m, p, b in calls(api) if p.endswith("/tasks/2") and b["status"] == "Failed"]
    assert failed[0]["errors"][0]["exception"] == "ValueError"
    workflow_statuses = [b["status"] for m, p, b in calls(api) if p == "/workflows/lifecycle"]
    assert workflow_statuses == ["In progress", "Failed"]


def test_without_url_nothing_is_sent(httpserver: HTTPServer) -> None:
    from dotflow.providers import ServerDefault

    workflow = DotFlow(config=Config(server=ServerDefault()))
    workflow.task.add(step=gives_data)
    workflow.start()
    assert httpserver.log == []


def test_environment_variables_in_a_plain_python_process(api: HTTPServer, tmp_path: Path) -> None:
    script = tmp_path / "job.py"
    script.write_text(
        "from dotflow import DotFlow, action\n\n"
        "@action\ndef gives_data():\n    return {'result': 'data'}\n\n"
        "workflow = DotFlow(workflow_id='from-script')\n"
        "workflow.task.add(step=gives_data)\n"
        "workflow.start()\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(DOTFLOW_SERVER_URL=api.url_for("/api/v1"), DOTFLOW_USER_TOKEN=TOKEN)
    done = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=90
    )
    assert done.returncode == 0, done.stderr
    statuses = [b["status"] for m, p, b in calls(api) if p.endswith("/from-script/tasks/1")]
    assert statuses == ["In progress", "Completed"]
