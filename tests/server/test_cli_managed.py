"""Seed 002 end to end: real ``dotflow start`` processes against the in-memory dashboard.

Every row of the behaviour matrix and every acceptance criterion, plus the modes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from server_helpers import (  # type: ignore[import-not-found]
    TOKEN,
    clean_env,
    expected_run,
    run_cli,
    summary,
)

from dotflow.dashboard import Backend

WID = "0545d4ca-99d1-4e65-a2eb-90f199773faf"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def managed(backend: Backend, workflow_id: str | None = WID, **extra: str) -> dict[str, str]:
    env = clean_env(SERVER_BASE_URL=backend.url, SERVER_USER_TOKEN=TOKEN, **extra)
    if workflow_id is not None:
        env["WORKFLOW_ID"] = workflow_id
    return env


def exactly_once(backend: Backend, workflow_id: str, tasks: int) -> None:
    """Each event once, per-object order kept, terminal workflow status last."""
    events = summary(backend.events)
    assert len(events) == len(set(events)), events
    assert len(events) == tasks + 2 + tasks * 2, events
    assert events[-1] == ("PATCH", f"/workflows/{workflow_id}", "Completed")
    shown = backend.workflow(workflow_id)
    assert shown["history"] == ["In progress", "Completed"]
    assert [t["id"] for t in shown["tasks"]] == [str(i) for i in range(1, tasks + 1)]
    for task in shown["tasks"]:
        assert task["history"] == ["Not started", "In progress", "Completed"], task


# -- the behaviour matrix ------------------------------------------------------------


def test_stand_alone_no_variables_no_http(backend: Backend, tmp_path: Path) -> None:
    ran = run_cli(["start", "--step", "server_steps.hello"], clean_env(), tmp_path)
    assert ran.returncode == 0, ran.output
    assert "Completed" in ran.output
    assert UUID.search(ran.output), ran.output  # a generated id, as before
    assert backend.requests == []


def test_workflow_id_alone_is_used_everywhere_and_nothing_is_sent(
    backend: Backend, tmp_path: Path
) -> None:
    ran = run_cli(["start", "--step", "server_steps.hello"], clean_env(WORKFLOW_ID=WID), tmp_path)
    assert ran.returncode == 0, ran.output
    assert WID in ran.output
    assert not [m for m in UUID.findall(ran.output) if m != WID]
    assert backend.requests == []


def test_managed_runner_reports_every_status_change(backend: Backend, tmp_path: Path) -> None:
    ran = run_cli(["start", "--step", "server_steps.hello"], managed(backend), tmp_path)
    assert ran.returncode == 0, ran.output
    assert WID in ran.output
    # start() flushed before the process exited: nothing to wait for.
    assert summary(backend.events) == expected_run(WID, [1], created=False)
    assert all(r["authorized"] for r in backend.requests)  # X-User-Token sent on every call
    assert ("POST", "/workflows") not in [(r["method"], r["path"]) for r in backend.requests]
    shown = backend.workflow(WID)
    assert shown["status"] == "Completed"
    (task,) = shown["tasks"]
    assert task["history"] == ["Not started", "In progress", "Completed"]
    assert task["current_context"] == {"hello": "world"}
    for key in ("duration", "retry_count", "errors", "initial_context", "previous_context"):
        assert key in task
    assert TOKEN not in ran.output
    assert TOKEN not in json.dumps([backend.events, backend.requests, shown])


def test_url_and_token_without_workflow_id_create_the_workflow_once(
    backend: Backend, tmp_path: Path
) -> None:
    ran = run_cli(["start", "--step", "server_steps.hello"], managed(backend, None), tmp_path)
    assert ran.returncode == 0, ran.output
    created = [e for e in backend.events if e["path"] == "/workflows"]
    assert len(created) == 1
    wid = created[0]["body"]["id"]
    assert wid in ran.output
    assert summary(backend.events) == expected_run(wid, [1], created=True)


def test_seed_003_alias_names(backend: Backend, tmp_path: Path) -> None:
    env = clean_env(DOTFLOW_SERVER_URL=backend.url, DOTFLOW_USER_TOKEN=TOKEN, WORKFLOW_ID=WID)
    ran = run_cli(["start", "--step", "server_steps.hello"], env, tmp_path)
    assert ran.returncode == 0, ran.output
    assert summary(backend.events) == expected_run(WID, [1], created=False)


def test_status_is_seen_while_the_task_runs(backend: Backend, tmp_path: Path) -> None:
    # The step itself polls the backend and only finishes once it shows the task In progress.
    ran = run_cli(["start", "--step", "server_steps.wait_until_seen"], managed(backend), tmp_path)
    assert ran.returncode == 0, ran.output
    (task,) = backend.workflow(WID)["tasks"]
    assert task["current_context"] == {"seen": ["Not started", "In progress"]}
    assert task["history"] == ["Not started", "In progress", "Completed"]


# -- failures, retries, bad settings ---------------------------------------------------------------


def test_a_failed_task_is_reported_failed_last(backend: Backend, tmp_path: Path) -> None:
    ran = run_cli(["start", "--step", "server_steps.boom"], managed(backend), tmp_path)
    assert ran.returncode == 1, ran.output
    events = summary(backend.events)
    assert events[-2:] == [
        ("PATCH", f"/workflows/{WID}/tasks/1", "Failed"),
        ("PATCH", f"/workflows/{WID}", "Failed"),
    ]
    (task,) = backend.workflow(WID)["tasks"]
    assert task["history"] == ["Not started", "In progress", "Failed"]
    assert task["errors"][0]["exception"] == "RuntimeError"
    assert task["errors"][0]["message"] == "step failed on purpose"


def test_retries_are_reported(backend: Backend, tmp_path: Path) -> None:
    env = managed(backend, FLAKY_MARKER=str(tmp_path / "marker"))
    ran = run_cli(["start", "--step", "server_steps.flaky"], env, tmp_path)
    assert ran.returncode == 0, ran.output
    (task,) = backend.workflow(WID)["tasks"]
    assert task["history"] == ["Not started", "In progress", "Retry", "Completed"]
    assert task["retry_count"] == 1


@pytest.mark.parametrize(
    ("variable", "missing"),
    [("SERVER_BASE_URL", "SERVER_USER_TOKEN"), ("DOTFLOW_USER_TOKEN", "SERVER_BASE_URL")],
)
def test_half_configured_runs_unmanaged_with_one_warning(
    backend: Backend, tmp_path: Path, variable: str, missing: str
) -> None:
    value = backend.url if variable == "SERVER_BASE_URL" else TOKEN
    ran = run_cli(
        ["start", "--workflow", "server_steps.three_tasks"],
        clean_env(**{variable: value}),
        tmp_path,
    )
    assert ran.returncode == 0, ran.output
    warnings = [line for line in ran.output.splitlines() if "reported nowhere" in line]
    assert len(warnings) == 1, ran.output
    assert variable in warnings[0] and f"set {missing} too" in warnings[0]
    assert "Traceback" not in ran.output and TOKEN not in ran.output
    assert "Workflow completed: 3 tasks" in ran.output
    assert backend.requests == []


def test_a_rejected_token_never_fails_the_workflow(backend: Backend, tmp_path: Path) -> None:
    env = managed(backend)
    env["SERVER_USER_TOKEN"] = "wrong-" + TOKEN
    ran = run_cli(["start", "--step", "server_steps.hello"], env, tmp_path)
    assert ran.returncode == 0, ran.output
    assert backend.events == []
    assert backend.requests and not any(r["authorized"] for r in backend.requests)
    assert TOKEN not in ran.output


# -- modes: each event exactly once ----------------------------------------------------------------


@pytest.mark.parametrize("mode", ["sequential", "sequential_group", "background", "parallel"])
def test_every_mode_sends_each_event_once(backend: Backend, tmp_path: Path, mode: str) -> None:
    ran = run_cli(
        ["start", "--workflow", "server_steps.three_tasks", "--mode", mode],
        managed(backend),
        tmp_path,
    )
    assert ran.returncode == 0, ran.output
    exactly_once(backend, WID, 3)
    if mode != "parallel":
        assert summary(backend.events) == expected_run(WID, [1, 2, 3], created=False)


def test_groups_side_by_side_send_each_event_once(backend: Backend, tmp_path: Path) -> None:
    ran = run_cli(["start", "--workflow", "server_steps.two_groups"], managed(backend), tmp_path)
    assert ran.returncode == 0, ran.output
    exactly_once(backend, WID, 4)


def test_background_step(backend: Backend, tmp_path: Path) -> None:
    ran = run_cli(
        ["start", "--step", "server_steps.nap", "--mode", "background"], managed(backend), tmp_path
    )
    assert ran.returncode == 0, ran.output
    assert summary(backend.events) == expected_run(WID, [1], created=False)


# -- faults through the real CLI (default ServerAPI settings) ------------------------------


def test_backend_down_never_fails_the_run(dead_url: str, tmp_path: Path) -> None:
    env = clean_env(SERVER_BASE_URL=dead_url, SERVER_USER_TOKEN=TOKEN, WORKFLOW_ID=WID)
    ran = run_cli(["start", "--step", "server_steps.hello"], env, tmp_path)
    assert ran.returncode == 0, ran.output
    assert "Completed" in ran.output
    assert ran.elapsed < 30 + 10 + 15  # the default flush bound, plus room for a busy machine
    assert TOKEN not in ran.output


def test_backend_errors_then_recovers(tmp_path: Path) -> None:
    with Backend(token=TOKEN, fail=2, fail_status=503) as backend:
        ran = run_cli(["start", "--step", "server_steps.hello"], managed(backend), tmp_path)
        assert ran.returncode == 0, ran.output
        assert summary(backend.events) == expected_run(WID, [1], created=False)
        assert len(backend.requests) == len(backend.events) + 2
