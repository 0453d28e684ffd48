"""Seed 002 (managed mode): every snippet and acceptance criterion, against a local HTTP backend.

The seed's code is internal code of dotflow 1.0.1's CLI; what a user relies on is its behaviour:
``ServerAPI`` from ``dotflow.providers``, ``DotFlow(workflow_id=...)`` not registering the
workflow, and ``dotflow start`` reading ``WORKFLOW_ID``, ``SERVER_BASE_URL`` and
``SERVER_USER_TOKEN``. The server is pytest-httpserver on 127.0.0.1. (The seed's
``dotflow.providers.server_api`` module path is covered with the other compatibility modules.)
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from dotflow import Config, DotFlow, Task, action
from dotflow.abc.server import Server
from dotflow.providers import ServerDefault, StorageDefault, StorageFile

TOKEN = "seed-002-token"
W = "0545d4ca-99d1-4e65-a2eb-90f199773faf"
DOTFLOW = Path(sys.executable).with_name("dotflow")
MANAGED = ("WORKFLOW_ID", "SERVER_BASE_URL", "SERVER_USER_TOKEN", "DOTFLOW_SERVER_URL")
STEPS = """
from dotflow import action

@action
def step_one():
    return {"rows": 3}
"""


@action
def step_one() -> dict[str, int]:
    return {"rows": 3}


class Recording(Server):
    """A server adapter that keeps what it is told (the seed's unit tests count the calls)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def create_workflow(self, workflow: Any) -> None:
        self.calls.append(("create_workflow", workflow))

    def update_workflow(self, workflow: Any, status: Any = "") -> None:
        self.calls.append(("update_workflow", status))

    def create_task(self, task: Any) -> None:
        self.calls.append(("create_task", task.task_id))

    def update_task(self, task: Any) -> None:
        self.calls.append(("update_task", task.status))


def requests_of(httpserver: HTTPServer) -> list[tuple[str, str, Any]]:
    rows = []
    for request, _ in httpserver.log:
        body = json.loads(request.data)
        what = body.get("id") if request.method == "POST" else body.get("status")
        rows.append((request.method, request.path, what))
    return rows


@pytest.fixture
def backend(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request("/api/v1/workflows", method="POST").respond_with_json({}, 201)
    httpserver.expect_request(f"/api/v1/workflows/{W}/tasks", method="POST").respond_with_json(
        {}, 201
    )
    httpserver.expect_request(f"/api/v1/workflows/{W}", method="PATCH").respond_with_json({})
    httpserver.expect_request(f"/api/v1/workflows/{W}/tasks/1", method="PATCH").respond_with_json(
        {}
    )
    return httpserver


# -- 1. ServerAPI in the library ---------------------------------------------------------------


def test_server_api_is_importable_from_providers() -> None:
    from dotflow.providers import ServerAPI
    from dotflow.server import ServerAPI as FromServer

    assert ServerAPI is FromServer and issubclass(ServerAPI, Server)


def test_server_api_calls_have_the_seed_shapes(backend: HTTPServer) -> None:
    from dotflow.providers import ServerAPI

    api = ServerAPI(base_url=backend.url_for("/api/v1/"), user_token=TOKEN, timeout=15.0)
    task = Task(1, W, step_one, initial_context=None)
    api.create_workflow(W)
    api.create_task(task)
    api.update_workflow(W, status="In progress")
    api.update_task(task)
    assert api.flush(timeout=10) is True
    assert requests_of(backend) == [
        ("POST", "/api/v1/workflows", W),
        ("POST", f"/api/v1/workflows/{W}/tasks", 1),
        ("PATCH", f"/api/v1/workflows/{W}", "In progress"),
        ("PATCH", f"/api/v1/workflows/{W}/tasks/1", "Not started"),
    ]
    for request, _ in backend.log:
        assert request.headers["X-User-Token"] == TOKEN
        assert request.headers["Content-Type"] == "application/json"
    create_task = json.loads(backend.log[1][0].data)
    assert create_task["id"] == 1 and "task_id" not in create_task  # data["id"] = data.pop(...)
    api.close()


# -- 2. DotFlow skips create_workflow when the id comes from outside ---------------------------


def test_a_given_workflow_id_is_not_created_on_the_server() -> None:
    server = Recording()
    DotFlow(config=Config(server=server), workflow_id="abc")
    assert [c for c in server.calls if c[0] == "create_workflow"] == []


def test_a_generated_workflow_id_is_created_exactly_once() -> None:
    server = Recording()
    workflow = DotFlow(config=Config(server=server))
    assert server.calls == [("create_workflow", workflow.workflow_id)]


# -- 3. the seed's StartCommand helpers, as a user's own entry point would write them ----------


def _build_server() -> Any:
    from dotflow.providers import ServerAPI

    base_url = os.getenv("SERVER_BASE_URL")
    user_token = os.getenv("SERVER_USER_TOKEN")
    if not base_url or not user_token:
        return None
    return ServerAPI(base_url=base_url, user_token=user_token)


def _build_config(storage: Any) -> Config | None:
    server = _build_server()
    if storage is None and server is None:
        return None
    return Config(storage=storage or StorageDefault(), server=server or ServerDefault())


def _new_workflow(storage: Any = None) -> DotFlow:
    return DotFlow(config=_build_config(storage), workflow_id=os.getenv("WORKFLOW_ID"))


@pytest.mark.parametrize(
    "environ", [{}, {"SERVER_BASE_URL": "http://127.0.0.1:9"}, {"SERVER_USER_TOKEN": TOKEN}]
)
def test_build_server_is_none_unless_both_are_set(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str]
) -> None:
    for name in ("SERVER_BASE_URL", "SERVER_USER_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert _build_server() is None


def test_the_seed_entry_point_code_runs_on_this_api(
    backend: HTTPServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SERVER_BASE_URL", backend.url_for("/api/v1"))
    monkeypatch.setenv("SERVER_USER_TOKEN", TOKEN)
    monkeypatch.setenv("WORKFLOW_ID", W)
    workflow = _new_workflow(StorageFile(path=tmp_path))
    assert str(workflow.workflow_id) == W
    workflow.task.add(step=step_one)
    workflow.start()
    events = requests_of(backend)
    assert ("POST", "/api/v1/workflows", W) not in events
    assert events[-2:] == [
        ("PATCH", f"/api/v1/workflows/{W}/tasks/1", "Completed"),
        ("PATCH", f"/api/v1/workflows/{W}", "Completed"),
    ]


# -- 4. dotflow start: the behaviour matrix, through real processes ----------------------------


def start(tmp_path: Path, *args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "user_pkg_actions.py").write_text(STEPS)
    env = {k: v for k, v in os.environ.items() if k not in MANAGED and "DOTFLOW_" not in k}
    env.update(environ)
    return subprocess.run(
        [str(DOTFLOW), "start", "--step", "user_pkg_actions.step_one", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )


def test_no_variables_no_http(httpserver: HTTPServer, tmp_path: Path) -> None:
    ran = start(tmp_path, "--json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["status"] == "Completed"
    assert httpserver.log == []


def test_workflow_id_is_used_as_the_workflow_id(httpserver: HTTPServer, tmp_path: Path) -> None:
    ran = start(tmp_path, "--json", WORKFLOW_ID=W)
    assert ran.returncode == 0, ran.stderr
    document = json.loads(ran.stdout)
    assert document["workflow_id"] == W and document["tasks"][0]["workflow_id"] == W
    assert httpserver.log == []


def test_server_variables_report_each_task_finish(backend: HTTPServer, tmp_path: Path) -> None:
    ran = start(
        tmp_path,
        WORKFLOW_ID=W,
        SERVER_BASE_URL=backend.url_for("/api/v1"),
        SERVER_USER_TOKEN=TOKEN,
    )
    assert ran.returncode == 0, ran.stderr
    events = requests_of(backend)
    # No ghost workflow: the backend already knows W.
    assert all(not (m == "POST" and p == "/api/v1/workflows") for m, p, _ in events)
    assert ("PATCH", f"/api/v1/workflows/{W}/tasks/1", "Completed") in events
    assert {request.headers["X-User-Token"] for request, _ in backend.log} == {TOKEN}


def test_without_workflow_id_the_workflow_is_created_once(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/workflows", method="POST").respond_with_json({}, 201)
    httpserver.expect_request("").respond_with_json({})  # every other call
    ran = start(
        tmp_path, "--json", SERVER_BASE_URL=httpserver.url_for("/"), SERVER_USER_TOKEN=TOKEN
    )
    assert ran.returncode == 0, ran.stderr
    workflow_id = json.loads(ran.stdout)["workflow_id"]
    created = [e for e in requests_of(httpserver) if e[:2] == ("POST", "/workflows")]
    assert created == [("POST", "/workflows", workflow_id)]


def test_network_failures_never_abort_the_workflow(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    ran = start(tmp_path, "--json", WORKFLOW_ID=W, SERVER_BASE_URL=dead, SERVER_USER_TOKEN=TOKEN)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["status"] == "Completed"


def test_one_variable_alone_runs_unmanaged(httpserver: HTTPServer, tmp_path: Path) -> None:
    # The seed's _build_server returns None when either variable is missing: the run goes on.
    ran = start(tmp_path, "--json", SERVER_BASE_URL=httpserver.url_for("/"))
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["status"] == "Completed"
    (warning,) = ran.stderr.splitlines()
    assert warning.startswith("WARNING") and "SERVER_USER_TOKEN" in warning
    assert httpserver.log == []
