"""What ``dotflow start`` prints for retried tasks and for tasks restored by ``--resume``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FLOW = """
from pathlib import Path
from dotflow import DotFlow, action

@action
def extract():
    return {"n": 1}

@action(retry=3)
def flaky():
    if not Path("ready.flag").exists():
        raise ValueError("not ready yet")
    return 2

def main():
    workflow = DotFlow(workflow_id="flaky-run")
    workflow.task.add(step=extract)
    workflow.task.add(step=flaky)
    return workflow
"""


@pytest.mark.parametrize("mode", ["sequential", "parallel"])
def test_retry_lines_show_the_attempt_and_the_reason(run, tmp_path: Path, mode: str) -> None:
    (tmp_path / "flow.py").write_text(FLOW)
    done = run("start", "--workflow", "flow.main", "--mode", mode)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    retries = [line for line in lines if ": Retry" in line]
    assert [line.split(": ", 1)[1] for line in retries] == [
        "Retry, attempt 2/3 after ValueError: not ready yet",
        "Retry, attempt 3/3 after ValueError: not ready yet",
    ]
    # Each failed attempt is recorded once, however it was shown on the way.
    document = json.loads(run("start", "--workflow", "flow.main", "--mode", mode, "--json").stdout)
    assert [e["attempt"] for e in document["tasks"][1]["errors"]] == [1, 2, 3]


def test_resume_shows_restored_tasks_and_where_from(run, tmp_path: Path) -> None:
    (tmp_path / "flow.py").write_text(FLOW)
    first = run("start", "--workflow", "flow.main", "--storage", "file")
    assert first.returncode == 1
    (tmp_path / "ready.flag").touch()
    resumed = run("start", "--workflow", "flow.main", "--storage", "file", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    lines = resumed.stdout.splitlines()
    assert lines[0] == (
        "↺ task 1 extract: Restored from .output (file storage): completed in an earlier run, "
        "not run again"
    )
    assert not [line for line in lines if "task 1 extract: In progress" in line]
    assert "task 2 flaky: Completed" in resumed.stdout
    assert "2 tasks (1 completed, 1 restored)" in resumed.stdout
