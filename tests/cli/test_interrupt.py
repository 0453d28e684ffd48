"""Ctrl-C on ``dotflow start``: exit 130, and the interrupted task and run are recorded as such."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_support import clean_env
from terminal import Terminal

STEPS = """
import time
from dotflow import DotFlow, action

@action
def first():
    return {"kept": True}

@action
def nap():
    print("napping", flush=True)
    time.sleep(120)
    return "never"

@action
def after():
    return "never"

def main():
    workflow = DotFlow(workflow_id="nap-run")
    for step in (first, nap, after):
        workflow.task.add(step=step)
    return workflow
"""


@pytest.mark.parametrize("mode", ["sequential", "parallel", "background"])
def test_ctrl_c_exits_130_and_records_the_interrupted_task(
    dotflow_script: str, tmp_path: Path, mode: str
) -> None:
    (tmp_path / "naps.py").write_text(STEPS)
    terminal = Terminal(
        [
            dotflow_script,
            "start",
            "--workflow",
            "naps.main",
            "--mode",
            mode,
            "--storage",
            "file",
        ],
        cwd=tmp_path,
        env=clean_env(),
    )
    terminal.expect("napping")
    if mode == "parallel":  # every task started at once: wait until task 3 is done
        terminal.expect("task 3 after: Completed")
    terminal.ctrl_c()
    code = terminal.finish()
    output = terminal.text()

    assert code == 130, output
    assert "Aborted!" not in output and "Traceback" not in output, output
    # With or without a duration: the step itself (sequential) or interrupt() recorded it.
    assert re.search(r"task 2 nap: Failed( in [0-9.]+s)? \(KeyboardInterrupt: ", output), output
    assert "Interrupted (Ctrl-C): stopped task 2 nap; workflow nap-run is recorded as Failed" in (
        output.replace("\r\n", " ").replace("\n", " ")
    )

    records = [
        json.loads(line)
        for line in (tmp_path / ".output" / "logs" / "nap-run.jsonl").read_text().splitlines()
    ]
    tasks = {r["task_id"]: r for r in records if r.get("event") != "workflow"}
    assert tasks[1]["status"] == "Completed"
    assert tasks[2]["status"] == "Failed"
    assert "KeyboardInterrupt" in json.dumps(tasks[2])
    if mode != "parallel":
        assert tasks.get(3) is None, "no task starts after Ctrl-C"
    workflow = [r for r in records if r.get("event") == "workflow"]
    assert [w["status"] for w in workflow] == ["In progress", "Failed"]
    assert workflow[-1]["error"] == "KeyboardInterrupt: interrupted (Ctrl-C or SIGINT)"
    # What completed before Ctrl-C is kept.
    assert json.loads((tmp_path / ".output" / "nap-run" / "1.json").read_text())


GROUPS = (
    STEPS
    + """

def groups():
    workflow = DotFlow(workflow_id="nap-groups")
    workflow.task.add(step=first, group_name="a")
    workflow.task.add(step=nap, group_name="a")
    workflow.task.add(step=after, group_name="a")
    workflow.task.add(step=nap, group_name="b")
    return workflow
"""
)


def test_ctrl_c_with_groups_running_in_threads(dotflow_script: str, tmp_path: Path) -> None:
    (tmp_path / "naps.py").write_text(GROUPS)
    terminal = Terminal(
        [dotflow_script, "start", "--workflow", "naps.groups", "--storage", "file"],
        cwd=tmp_path,
        env=clean_env(),
    )
    terminal.expect("task 2 nap: In progress")
    terminal.expect("task 4 nap: In progress")
    terminal.ctrl_c()
    code = terminal.finish()
    output = terminal.text()
    assert code == 130, output
    assert "Traceback" not in output and "Aborted!" not in output, output
    assert "stopped task 2 nap, task 4 nap;" in output.replace("\r\n", " ")
    records = [
        json.loads(line)
        for line in (tmp_path / ".output" / "logs" / "nap-groups.jsonl").read_text().splitlines()
    ]
    last = {r["task_id"]: r["status"] for r in records if r.get("event") != "workflow"}
    assert last == {1: "Completed", 2: "Failed", 4: "Failed"}
    assert [r["status"] for r in records if r.get("event") == "workflow"][-1] == "Failed"
