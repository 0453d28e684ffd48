"""The token never shows; forks start empty; the interpreter's exit flushes, bounded."""

from __future__ import annotations

import logging
import os
import pickle
import sys
import textwrap
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from server_helpers import TOKEN, clean_env, run, summary  # type: ignore[import-not-found]

from dotflow import Config, DotFlow, WorkflowStatus, action
from dotflow.dashboard import Backend
from dotflow.server import ServerAPI, managed_settings

FAST = {"backoff_base": 0.01, "backoff_max": 0.05, "timeout": 0.5, "flush_timeout": 5.0}


@action
def step():
    return "done"


def test_token_is_never_shown(httpserver: HTTPServer, dead_url: str, caplog) -> None:
    # A backend that echoes the token back in an error body.
    httpserver.expect_request("/workflows", method="POST").respond_with_data(
        f"bad token {TOKEN}", status=403
    )
    httpserver.expect_request("/workflows/w", method="PATCH").respond_with_data("oops", status=500)
    with caplog.at_level(logging.DEBUG):
        api = ServerAPI(httpserver.url_for("/"), TOKEN, **FAST, max_attempts=2)
        api.create_workflow("w")
        api.update_workflow("w", WorkflowStatus.COMPLETED)
        api.flush()
        down = ServerAPI(dead_url, TOKEN, **FAST, max_attempts=2)
        workflow = DotFlow(Config(server=down))
        workflow.task.add(step)
        workflow.start()
    assert len(httpserver.log) == 3
    assert "403" in caplog.text and "connection failed" in caplog.text
    assert TOKEN not in caplog.text
    for shown in (repr(api), str(api), repr(vars(api)), repr(api.stats()), repr(down)):
        assert TOKEN not in shown
    with pytest.raises(TypeError) as info:
        pickle.dumps(api)
    assert TOKEN not in str(info.value)


def test_configuration_errors_do_not_show_the_token() -> None:
    with pytest.raises(ValueError, match="not an http") as info:
        ServerAPI("ftp://example", TOKEN)
    assert TOKEN not in str(info.value)
    with pytest.warns(UserWarning, match="SERVER_BASE_URL") as warned:
        managed_settings({"SERVER_USER_TOKEN": TOKEN})
    assert TOKEN not in str(warned[0].message)
    with pytest.raises(ValueError, match="not usable") as info:
        managed_settings({"SERVER_USER_TOKEN": TOKEN, "SERVER_BASE_URL": "nowhere"})
    assert TOKEN not in str(info.value)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_starts_empty_and_sends_only_its_own_events(backend: Backend) -> None:
    backend.faults.delay_next(0.5, count=1)
    api = ServerAPI(backend.url, TOKEN, **{**FAST, "timeout": 5.0})
    api.update_workflow("parent", WorkflowStatus.IN_PROGRESS)  # in flight, slowly
    api.update_workflow("parent", WorkflowStatus.COMPLETED)  # still queued at the fork
    pid = os.fork()
    if pid == 0:  # the child
        code = 10
        try:
            if api.stats().pending == 0:
                api.update_workflow("child", WorkflowStatus.COMPLETED)
                api.flush(timeout=10)
                code = 0 if api.stats().sent == 1 else 11
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    api.flush()
    assert sorted(summary(backend.events)) == [
        ("PATCH", "/workflows/child", "Completed"),
        ("PATCH", "/workflows/parent", "Completed"),
        ("PATCH", "/workflows/parent", "In progress"),
    ]
    assert [e for e in summary(backend.events) if "parent" in e[1]] == [
        ("PATCH", "/workflows/parent", "In progress"),
        ("PATCH", "/workflows/parent", "Completed"),
    ]


def test_parallel_mode_in_process_sends_each_event_once(backend: Backend) -> None:
    api = ServerAPI(backend.url, TOKEN, **FAST)
    workflow = DotFlow(Config(server=api), workflow_id="par")
    for _ in range(3):
        workflow.task.add(step)
    run = workflow.start(mode="parallel")
    assert run.status is WorkflowStatus.COMPLETED
    events = summary(backend.events)
    assert len(events) == len(set(events)) == 3 + 2 + 3 * 2
    assert events[-1] == ("PATCH", "/workflows/par", "Completed")
    for task in backend.workflow("par")["tasks"]:
        assert task["history"] == ["Not started", "In progress", "Completed"]


SCRIPT = """
import logging, sys
logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
from dotflow import WorkflowStatus
from dotflow.server import ServerAPI
api = ServerAPI(sys.argv[1], sys.argv[2], flush_timeout=float(sys.argv[3]), timeout=0.5,
                backoff_base=0.2, backoff_max=0.2, max_attempts=1000)
api.update_workflow("w", WorkflowStatus.IN_PROGRESS)
api.update_workflow("w", WorkflowStatus.COMPLETED)
if sys.argv[4] == "flush":
    api.flush()
print("script done", flush=True)
"""


def test_exit_flushes_what_was_not_flushed(backend: Backend, tmp_path: Path) -> None:
    ran = run(
        [sys.executable, "-c", SCRIPT, backend.url, TOKEN, "10", "no-flush"], clean_env(), tmp_path
    )
    assert ran.returncode == 0, ran.output
    assert summary(backend.events) == [
        ("PATCH", "/workflows/w", "In progress"),
        ("PATCH", "/workflows/w", "Completed"),
    ]


def test_exit_does_not_wait_again_for_what_a_flush_gave_up(dead_url: str, tmp_path: Path) -> None:
    ran = run([sys.executable, "-c", SCRIPT, dead_url, TOKEN, "1", "flush"], clean_env(), tmp_path)
    assert ran.returncode == 0, ran.output
    assert "script done" in ran.stdout
    # One bounded wait (the flush); the exit hook saw nothing new and did not wait again.
    assert ran.stderr.count("not delivered within") == 1, ran.stderr
    assert ran.elapsed < 1 + 30
    assert TOKEN not in ran.output


def test_exit_wait_is_bounded_too(dead_url: str, tmp_path: Path) -> None:
    ran = run(
        [sys.executable, "-c", SCRIPT, dead_url, TOKEN, "1", "no-flush"], clean_env(), tmp_path
    )
    assert ran.returncode == 0, ran.output
    assert ran.stderr.count("not delivered within") == 1, ran.stderr
    assert ran.elapsed < 1 + 30


def test_example_in_docstring_style_is_importable() -> None:
    # The CLI builds the adapter through the registry with keyword arguments.
    from dotflow.core import registry
    from dotflow.providers import ServerAPI as FromFacade

    cls = registry.load("server", "api")
    assert cls is ServerAPI is FromFacade
    api = cls(base_url="http://127.0.0.1:1/api/", user_token=TOKEN)
    assert api.base_url == "http://127.0.0.1:1/api"
    assert api.timeout == 15.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"base_url": 3}, "base_url"),
        ({"base_url": "example.com"}, "not an http"),
        ({"user_token": ""}, "empty"),
        ({"user_token": None}, "NoneType"),
        ({"timeout": 0}, "timeout"),
        ({"max_attempts": 1.5}, "max_attempts"),
        ({"max_queue": 0}, "max_queue"),
        ({"put_timeout": -1}, "put_timeout"),
        ({"flush_timeout": True}, "flush_timeout"),
    ],
)
def test_bad_configuration_is_named(kwargs: dict, match: str) -> None:
    arguments = {"base_url": "http://127.0.0.1:1", "user_token": TOKEN, **kwargs}
    with pytest.raises(ValueError, match=match):
        ServerAPI(**arguments)


def test_text_of_script_is_valid() -> None:
    compile(textwrap.dedent(SCRIPT), "<script>", "exec")


def test_short_tokens_are_masked_as_words_only() -> None:
    from dotflow.server.transport import Secret

    assert Secret("t").redact("HTTPConnectionPool token=t") == "HTTPConnectionPool token=***"
    long = Secret("s3cr3t-token-value")
    assert long.redact("xs3cr3t-token-valuex") == "x***x"
