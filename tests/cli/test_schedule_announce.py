"""``dotflow schedule`` prints its next run times at start; --timezone has its own error."""

from __future__ import annotations

import itertools
import json
import re
from datetime import datetime, timedelta

from cli_support import assert_bad_input, sigterm_once_scheduling

STAMP = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC"


def _announced(text: str) -> list[datetime]:
    line = next(line for line in text.splitlines() if line.startswith("Scheduled workflow"))
    return [datetime.fromisoformat(t) for t in re.findall(STAMP, line)]


def test_next_run_times_are_printed_at_start(run):
    result = run(
        "schedule",
        "--step",
        "cli_steps.ok",
        "--cron",
        "* * * * * */2",
        "--timezone",
        "UTC",
        "--max-runs",
        "1",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Scheduled workflow ") and "with cron '* * * * * */2'" in lines[0]
    times = _announced(result.stdout)
    # The 6th field is seconds, as in dotflow 1.x: every 2 seconds, on even seconds.
    assert len(times) == 3
    assert all(t.second % 2 == 0 for t in times)
    assert [b - a for a, b in itertools.pairwise(times)] == [timedelta(seconds=2)] * 2


def test_a_six_field_expression_means_what_it_meant_in_1_0_1(dotflow_script, tmp_path):
    # "0 */2 * * * *": croniter (dotflow 1.0.1) reads minute 0 of every 2nd hour, seconds last.
    command = [dotflow_script, "schedule", "-s", "cli_steps.ok", "--cron", "0 */2 * * * *"]
    result = sigterm_once_scheduling([*command, "--timezone", "UTC"], tmp_path)
    assert result.returncode == 0, result.stderr
    times = _announced(result.stdout)
    assert len(times) == 3
    assert all(t.hour % 2 == 0 and t.minute == 0 for t in times), times
    assert [t.second for t in times] == [times[0].second, times[0].second + 1, times[0].second + 2]


def test_with_json_the_announcement_goes_to_stderr(run):
    result = run(
        "schedule", "-s", "cli_steps.ok", "--cron", "* * * * * *", "--max-runs", "1", "--json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "Completed"
    assert "Scheduled workflow" in result.stderr
    quiet = run("schedule", "-s", "cli_steps.ok", "--cron", "* * * * * *", "--max-runs", "1", "-q")
    assert "Scheduled workflow" not in quiet.stdout + quiet.stderr


def test_a_bad_timezone_is_a_timezone_error(run):
    result = run(
        "schedule", "--step", "cli_steps.ok", "--cron", "* * * * *", "--timezone", "Mars/Olympus"
    )
    line = assert_bad_input(result.returncode, result.stderr, "--timezone", "Mars/Olympus")
    assert "--cron" not in line
    assert "'UTC'" in line
