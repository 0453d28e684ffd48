"""dotflow schedule with the real cron scheduler (dotflow-cron), signals included."""

from __future__ import annotations

import json
import signal
import subprocess
import time

from cli_support import (
    assert_bad_input,
    clean_env,
    sigterm_once_scheduling,
)

EVERY_SECOND = "* * * * * *"


def test_max_runs_runs_that_many_times_and_exits_0(run):
    result = run(
        "schedule", "--step", "cli_steps.ok", "--cron", EVERY_SECOND, "--max-runs", "2", "--json"
    )
    assert result.returncode == 0, result.stderr
    runs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in runs] == ["Completed", "Completed"]
    assert len({r["workflow_id"] for r in runs}) == 1


def test_a_failed_run_makes_the_exit_code_1(run):
    result = run("schedule", "-s", "cli_steps.boom", "--cron", EVERY_SECOND, "--max-runs", "1")
    assert result.returncode == 1
    assert "✘ task 1 boom: Failed" in result.stdout
    assert "Workflow failed" in result.stdout


def test_resume_continues_a_failed_run_then_starts_fresh(run, tmp_path):
    (tmp_path / "marker").touch()
    result = run(
        "schedule",
        "--workflow",
        "cli_steps.fail_once_workflow",
        "--cron",
        EVERY_SECOND,
        "--max-runs",
        "3",
        "--resume",
        "--json",
    )
    assert result.returncode == 1, result.stderr  # run 1 failed
    runs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in runs] == ["Failed", "Completed", "Completed"]
    # Run 2 resumed (task 1 skipped), run 3 started fresh after a completed run.
    assert (tmp_path / "count.txt").read_text() == "ran\nran\n"


def test_sigterm_stops_the_scheduler_cleanly(dotflow_script, tmp_path):
    done = sigterm_once_scheduling(
        [dotflow_script, "schedule", "--step", "cli_steps.ok", "--cron", "0 0 1 1 *"], tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    # Nothing was due: the only line says when the first run would have been.
    assert (
        done.stdout.splitlines() == [done.stdout.splitlines()[0]]
        and "next runs: " in done.stdout
        and "-01-01 00:00:00" in done.stdout
    )


def test_sigint_lets_the_running_workflow_finish(dotflow_script, tmp_path):
    process = subprocess.Popen(
        [
            dotflow_script,
            "schedule",
            "-s",
            "cli_steps.wait_for_file",
            "-i",
            "release",
            "--cron",
            EVERY_SECOND,
            "--json",
        ],
        cwd=tmp_path,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        log = tmp_path / ".output" / "logs"
        deadline = time.monotonic() + 30
        while not any(log.glob("*.jsonl")) and time.monotonic() < deadline:
            time.sleep(0.05)  # the first run has started
        process.send_signal(signal.SIGINT)
        time.sleep(0.3)
        assert process.poll() is None  # still waiting for the running workflow
        (tmp_path / "release").touch()
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    [document] = [json.loads(line) for line in out.splitlines()]
    assert document["status"] == "Completed"


def test_invalid_cron_is_bad_input(run):
    result = run("schedule", "--step", "cli_steps.ok", "--cron", "61 * * * *")
    assert_bad_input(result.returncode, result.stderr, "--cron")
    four = run("schedule", "--step", "cli_steps.ok", "--cron", "* * * *")
    assert_bad_input(four.returncode, four.stderr, "4 fields")
    zone = run(
        "schedule", "--step", "cli_steps.ok", "--cron", "* * * * *", "--timezone", "Mars/Olympus"
    )
    assert_bad_input(zone.returncode, zone.stderr, "Mars/Olympus")


def test_schedule_needs_a_cron_and_a_valid_overlap(cli):
    assert cli("schedule", "--step", "cli_steps.ok").exit_code == 2
    bad = cli("schedule", "--step", "cli_steps.ok", "--cron", "* * * * *", "--overlap", "drop")
    assert bad.exit_code == 2
    assert "'drop' is not one of 'skip', 'queue', 'parallel'" in bad.stderr


def test_without_dotflow_cron_it_exits_2_with_the_install_hint(bare_venv, tmp_path):
    (tmp_path / "bare_steps.py").write_text(
        "from dotflow import action\n\n@action\ndef ok():\n    return 1\n"
    )
    result = subprocess.run(
        [
            str(bare_venv / "bin" / "dotflow"),
            "schedule",
            "--step",
            "bare_steps.ok",
            "--cron",
            "* * * * *",
        ],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert_bad_input(result.returncode, result.stderr, "pip install dotflow-cron")
