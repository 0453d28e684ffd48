"""Seed 003: ServerDefault reports over HTTP when given a backend, through dotflow-server's sender.

Against pytest-httpserver: in this process, in a plain ``python`` process (library use, no CLI)
and through ``dotflow start``.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from server_helpers import TOKEN, clean_env, run, run_cli  # type: ignore[import-not-found]

from dotflow import Config, DotFlow, action
from dotflow.core.engine import Runtime
from dotflow.core.managed import HalfConfiguredWarning
from dotflow.providers import ServerDefault
from dotflow.server import ServerAPI

VARIABLES = ("SERVER_BASE_URL", "SERVER_USER_TOKEN", "DOTFLOW_SERVER_URL", "DOTFLOW_USER_TOKEN")


@action
def first() -> dict[str, int]:
    return {"rows": 3}


@action
def second(previous_context) -> dict[str, int]:
    return {"rows": previous_context.storage["rows"] * 2}


@pytest.fixture(autouse=True)
def no_server_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def backend(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request("/api/v1/workflows", method="POST").respond_with_json({}, 201)
    httpserver.expect_request("/api/v1/workflows/flow-3/tasks", method="POST").respond_with_json(
        {}, 201
    )
    httpserver.expect_request("/api/v1/workflows/flow-3", method="PATCH").respond_with_json({})
    httpserver.expect_request("/api/v1/workflows/flow-3/tasks/1", method="PATCH").respond_with_json(
        {}
    )
    httpserver.expect_request("/api/v1/workflows/flow-3/tasks/2", method="PATCH").respond_with_json(
        {}
    )
    return httpserver


def calls(httpserver: HTTPServer) -> list[tuple[str, str, object]]:
    """``(method, path, status or id)`` of every request, in the order they arrived."""
    rows = []
    for request, _ in httpserver.log:
        body = json.loads(request.data)
        what = body.get("id") if request.method == "POST" else body.get("status")
        rows.append((request.method, request.path, what))
    return rows


EXPECTED = [
    ("POST", "/api/v1/workflows/flow-3/tasks", 1),
    ("POST", "/api/v1/workflows/flow-3/tasks", 2),
    ("PATCH", "/api/v1/workflows/flow-3", "In progress"),
    ("PATCH", "/api/v1/workflows/flow-3/tasks/1", "In progress"),
    ("PATCH", "/api/v1/workflows/flow-3/tasks/1", "Completed"),
    ("PATCH", "/api/v1/workflows/flow-3/tasks/2", "In progress"),
    ("PATCH", "/api/v1/workflows/flow-3/tasks/2", "Completed"),
    ("PATCH", "/api/v1/workflows/flow-3", "Completed"),
]


def run_two_tasks(config: Config | None = None) -> DotFlow:
    workflow = DotFlow(config=config, workflow_id="flow-3")
    workflow.task.add(step=first)
    workflow.task.add(step=second)
    workflow.start()
    return workflow


# -- in this process ---------------------------------------------------------------------------


def test_arguments_report_every_status_change_with_the_token(backend: HTTPServer) -> None:
    server = ServerDefault(base_url=backend.url_for("/api/v1"), user_token=TOKEN)
    assert isinstance(server.delegate, ServerAPI)
    run_two_tasks(Config(server=server))  # start() flushes: every event is sent by now
    assert calls(backend) == EXPECTED
    assert {request.headers["X-User-Token"] for request, _ in backend.log} == {TOKEN}
    assert TOKEN not in repr(server)


@pytest.mark.parametrize(
    ("url_name", "token_name"),
    [("DOTFLOW_SERVER_URL", "DOTFLOW_USER_TOKEN"), ("SERVER_BASE_URL", "SERVER_USER_TOKEN")],
)
def test_the_variables_make_the_default_config_report(
    backend: HTTPServer, monkeypatch: pytest.MonkeyPatch, url_name: str, token_name: str
) -> None:
    monkeypatch.setenv(url_name, backend.url_for("/api/v1"))
    monkeypatch.setenv(token_name, TOKEN)
    workflow = run_two_tasks()  # no config at all: Config() -> ServerDefault() -> the variables
    assert isinstance(workflow.config.server, ServerDefault)
    assert calls(backend) == EXPECTED
    assert workflow.result().status == "Completed"


def test_a_generated_id_is_registered_first(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/workflows", method="POST").respond_with_json({}, 201)
    server = ServerDefault(base_url=httpserver.url_for("/"), user_token=TOKEN)
    workflow = DotFlow(config=Config(server=server))
    assert server.flush(timeout=10) is True
    assert calls(httpserver) == [("POST", "/workflows", workflow.workflow_id)]


def test_one_argument_and_the_other_from_the_environment(
    backend: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOTFLOW_USER_TOKEN", TOKEN)
    run_two_tasks(Config(server=ServerDefault(base_url=backend.url_for("/api/v1"))))
    assert calls(backend) == EXPECTED


def test_one_argument_without_the_other_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"needs user_token too: pass user_token=\.\.\. or set"):
        ServerDefault(base_url="http://127.0.0.1:9")
    with pytest.raises(ValueError, match=r"needs base_url too.*DOTFLOW_SERVER_URL"):
        ServerDefault(user_token=TOKEN)


def test_bad_values_are_refused_by_the_api_adapter() -> None:
    with pytest.raises(ValueError, match="not an http"):
        ServerDefault(base_url="ftp://example.com", user_token=TOKEN)


def test_options_reach_the_api_adapter() -> None:
    server = ServerDefault(base_url="http://127.0.0.1:9", user_token=TOKEN, timeout=2.5)
    assert isinstance(server.delegate, ServerAPI) and server.delegate.timeout == 2.5


def test_a_backend_that_is_down_never_fails_the_workflow(dead_url: str) -> None:
    server = ServerDefault(
        base_url=dead_url, user_token=TOKEN, max_attempts=2, backoff_base=0.01, flush_timeout=5
    )
    workflow = run_two_tasks(Config(server=server))
    assert workflow.result().status == "Completed"
    assert server.delegate is not None
    assert server.delegate.stats().failed == server.delegate.stats().enqueued > 0  # type: ignore[attr-defined]


def test_without_a_backend_it_is_the_zero_cost_no_op() -> None:
    server = ServerDefault()
    assert server.delegate is None and repr(server) == "ServerDefault()"
    # The engine leaves it out: no call at all per status change.
    assert Runtime(Config())._server is None
    with_backend = ServerDefault(base_url="http://127.0.0.1:9", user_token=TOKEN)
    runtime = Runtime(Config(server=with_backend))
    # ... and with a backend it calls the api adapter directly, not through ServerDefault.
    assert runtime._server == with_backend.delegate.update_task  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({"DOTFLOW_SERVER_URL": "http://127.0.0.1:9"}, "SERVER_USER_TOKEN"),
        ({"DOTFLOW_USER_TOKEN": TOKEN}, "SERVER_BASE_URL"),
        ({"SERVER_USER_TOKEN": TOKEN}, "SERVER_BASE_URL"),
    ],
)
def test_half_configured_reports_nowhere_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], missing: str
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.warns(HalfConfiguredWarning, match=f"set {missing} too") as caught:
        server = ServerDefault()
    assert server.delegate is None
    assert len(caught) == 1 and TOKEN not in str(caught[0].message)


def test_the_cli_composition_root_can_make_it_ignore_the_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dotflow.providers.server_default import environment_ignored

    monkeypatch.setenv("DOTFLOW_SERVER_URL", "http://127.0.0.1:9")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with environment_ignored():
            assert ServerDefault().delegate is None
            explicit = ServerDefault(base_url="http://127.0.0.1:9", user_token=TOKEN)
            assert explicit.delegate is not None  # arguments still count
    monkeypatch.setenv("DOTFLOW_USER_TOKEN", TOKEN)
    assert ServerDefault().delegate is not None


# -- library use in its own process, and through the CLI ---------------------------------------

SCRIPT = """
from dotflow import Config, DotFlow, action

@action
def first():
    return {"rows": 3}

@action
def second(previous_context):
    return {"rows": previous_context.storage["rows"] * 2}

for _ in range(3):
    Config()  # a half-configured environment warns once, not per Config
workflow = DotFlow(workflow_id="flow-3")
workflow.task.add(step=first)
workflow.task.add(step=second)
workflow.start()
print(workflow.result().status)
"""


def test_a_plain_script_reports_through_the_variables(backend: HTTPServer, tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text(SCRIPT)
    env = clean_env(DOTFLOW_SERVER_URL=backend.url_for("/api/v1"), DOTFLOW_USER_TOKEN=TOKEN)
    ran = run([sys.executable, "script.py"], env, tmp_path)
    assert ran.returncode == 0, ran.output
    assert ran.stdout.strip() == "Completed" and ran.stderr == ""
    assert calls(backend) == EXPECTED


def test_a_half_configured_script_runs_with_one_warning(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    (tmp_path / "script.py").write_text(SCRIPT)
    env = clean_env(DOTFLOW_SERVER_URL=httpserver.url_for("/api/v1"))
    ran = run([sys.executable, "script.py"], env, tmp_path)
    assert ran.returncode == 0, ran.output
    assert ran.stdout.strip() == "Completed"
    warning_lines = [line for line in ran.stderr.splitlines() if "HalfConfiguredWarning: " in line]
    assert len(warning_lines) == 1, ran.stderr
    assert "DOTFLOW_SERVER_URL is set but SERVER_USER_TOKEN or DOTFLOW_USER_TOKEN" in ran.stderr
    assert httpserver.log == []


FACTORY = """
import os

from dotflow import Config, DotFlow
from dotflow.providers import ServerDefault
from server_default_steps import first, second


def explicit():
    server = ServerDefault(base_url=os.environ["TEST_BACKEND"], user_token=os.environ["TEST_TOKEN"])
    workflow = DotFlow(config=Config(server=server), workflow_id="flow-3")
    workflow.task.add(step=first)
    workflow.task.add(step=second)
    return workflow


def plain():
    workflow = DotFlow()
    workflow.task.add(step=first)
    workflow.task.add(step=second)
    return workflow
"""

STEPS = """
from dotflow import action

@action
def first():
    return {"rows": 3}

@action
def second(previous_context):
    return {"rows": previous_context.storage["rows"] * 2}
"""


@pytest.fixture
def factories(tmp_path: Path) -> Path:
    (tmp_path / "server_default_flows.py").write_text(FACTORY)
    (tmp_path / "server_default_steps.py").write_text(STEPS)
    return tmp_path


def test_dotflow_start_with_a_factory_that_names_the_backend(
    backend: HTTPServer, factories: Path
) -> None:
    env = clean_env(TEST_BACKEND=backend.url_for("/api/v1"), TEST_TOKEN=TOKEN)
    ran = run_cli(["start", "--workflow", "server_default_flows.explicit"], env, factories)
    assert ran.returncode == 0, ran.output
    assert calls(backend) == EXPECTED


def test_dotflow_start_with_the_seed_003_variables(backend: HTTPServer, factories: Path) -> None:
    env = clean_env(
        DOTFLOW_SERVER_URL=backend.url_for("/api/v1"),
        DOTFLOW_USER_TOKEN=TOKEN,
        WORKFLOW_ID="flow-3",
    )
    ran = run_cli(["start", "--workflow", "server_default_flows.plain"], env, factories)
    assert ran.returncode == 0, ran.output
    # The factory's own DotFlow() registers nothing: the run reports under WORKFLOW_ID only.
    assert calls(backend) == EXPECTED


def test_the_quick_check_knows_every_variable() -> None:
    from dotflow.core.managed import TOKEN_VARIABLES, URL_VARIABLES
    from dotflow.providers.server_default import _VARIABLES

    assert set(_VARIABLES) == {*URL_VARIABLES, *TOKEN_VARIABLES}
