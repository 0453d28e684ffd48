"""Every execution mode through the real `dotflow` script, including background and parallel."""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize("mode", ["sequential", "sequential_group", "background", "parallel"])
def test_every_mode_runs_a_step_to_completion(run, mode):
    result = run("start", "--step", "cli_steps.ok", "--mode", mode, "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["mode"], document["status"]) == (mode, "Completed")


def test_background_mode_waits_for_the_run_before_exiting(run):
    result = run("start", "--step", "cli_steps.slow", "-i", "0.5", "--mode", "background")
    assert result.returncode == 0, result.stderr
    assert "✔ task 1 slow: Completed" in result.stdout
    assert "Workflow completed" in result.stdout


def test_background_mode_reports_a_failure(run):
    result = run("start", "--step", "cli_steps.boom", "-m", "background", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["status"] == "Failed"


def test_parallel_mode_runs_each_task_in_its_own_process(run):
    result = run("start", "--workflow", "cli_steps.parallel_pids", "--mode", "parallel", "--json")
    assert result.returncode == 0, result.stderr
    pids = [task["current_context"]["pid"] for task in json.loads(result.stdout)["tasks"]]
    assert len(set(pids)) == 3


def test_parallel_failure_exits_1(run):
    result = run(
        "start",
        "--workflow",
        "cli_steps.with_failure",
        "--mode",
        "parallel",
        "--keep-going",
        "--json",
    )
    assert result.returncode == 1
    statuses = [task["status"] for task in json.loads(result.stdout)["tasks"]]
    assert statuses == ["Failed", "Completed"]


def test_progress_is_plain_text_when_not_a_terminal(run):
    result = run("start", "--step", "cli_steps.ok")
    assert "\x1b[" not in result.stdout
    assert result.stdout.splitlines()[0] == "▶ task 1 ok: In progress"
