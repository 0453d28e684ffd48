"""Managed-mode failures through the real ``dotflow`` command (issue 14, item 6).

A wrong token or a dead backend is reported once per cause (with the backend's message) and in
one summary line naming the variable to check; the exit code stays 0 unless --strict-report.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from server_helpers import TOKEN, clean_env, run_cli  # type: ignore[import-not-found]

WID = "0545d4ca-99d1-4e65-a2eb-90f199773faf"
STEPS = ["--step", "server_steps.hello"]


@pytest.fixture
def refusing(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request("/api/v1/workflows", method="POST").respond_with_json(
        {"error": "invalid token"}, status=401
    )
    httpserver.expect_request("/api/v1/workflows/" + WID, method="PATCH").respond_with_json(
        {"error": "invalid token"}, status=401
    )
    httpserver.expect_request(
        "/api/v1/workflows/" + WID + "/tasks", method="POST"
    ).respond_with_json({"error": "invalid token"}, status=401)
    for task_id in (1,):
        httpserver.expect_request(
            f"/api/v1/workflows/{WID}/tasks/{task_id}", method="PATCH"
        ).respond_with_json({"error": "invalid token"}, status=401)
    return httpserver


def _env(url: str) -> dict[str, str]:
    return clean_env(SERVER_BASE_URL=url, SERVER_USER_TOKEN=TOKEN, WORKFLOW_ID=WID)


@pytest.mark.parametrize("strict", [False, True])
def test_a_wrong_token_is_said_once_and_summarised(
    refusing: HTTPServer, tmp_path: Path, strict: bool
) -> None:
    args = ["start", *STEPS, *(["--strict-report"] if strict else [])]
    ran = run_cli(args, _env(refusing.url_for("/api/v1")), tmp_path)
    assert ran.returncode == (3 if strict else 0), ran.output
    events = len(refusing.log)
    assert events == 5  # task creation, workflow In progress/Completed, task In progress/Completed
    lines = ran.stderr.splitlines()
    mentions = [line for line in lines if "401" in line]
    assert len(mentions) == 2, ran.stderr  # the first rejection, in full, and the summary
    assert "invalid token" in mentions[0]
    assert mentions[1] == (
        f"server reporting: 0 of {events} events delivered, {events} not delivered "
        f"(HTTP 401: {events}); check SERVER_USER_TOKEN"
    )
    assert TOKEN not in ran.output


def test_a_dead_backend_is_said_once_and_summarised(dead_url: str, tmp_path: Path) -> None:
    ran = run_cli(["start", *STEPS], _env(dead_url), tmp_path)
    assert ran.returncode == 0, ran.output
    lines = ran.stderr.splitlines()
    failures = [line for line in lines if "connection failed" in line]
    assert len(failures) == 2, ran.stderr  # the first failure and the summary
    assert "Connection refused" in failures[0]
    assert all(len(line) < 300 for line in lines), ran.stderr
    assert failures[1].startswith("server reporting: 0 of ")
    assert failures[1].endswith("; check SERVER_BASE_URL")


def test_strict_report_is_silent_and_zero_when_everything_arrived(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/api/v1/workflows/" + WID, method="PATCH").respond_with_json({})
    httpserver.expect_request(
        "/api/v1/workflows/" + WID + "/tasks", method="POST"
    ).respond_with_json({})
    httpserver.expect_request(f"/api/v1/workflows/{WID}/tasks/1", method="PATCH").respond_with_json(
        {}
    )
    ran = run_cli(
        ["start", "--step", "server_steps.hello", "--strict-report"],
        _env(httpserver.url_for("/api/v1")),
        tmp_path,
    )
    assert ran.returncode == 0, ran.output
    assert "server reporting" not in ran.output
