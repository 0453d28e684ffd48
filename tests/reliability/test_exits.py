"""``sys.exit()`` and Ctrl-C inside a step or a callback (issue 13, item 6).

The task ends Failed with the reason, the run reaches a terminal state and flushes its reporters,
``wait()`` never hangs, and then the exit goes on to the caller. Each case runs in a child
process with a time bound, since the failure mode before the fix was a hang.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reliability_probe import run_probe

HEADER = """
    import sys
    from dotflow import Config, DotFlow, action
    from dotflow.abc import Notify

    class Recorder(Notify):
        def send(self, task):
            print("status", task.task_id, task.status.value, flush=True)

        def flush(self, timeout=None):
            print("flushed", flush=True)
            return True

    @action
    def fine():
        return 1

    @action
    def leaves():
        sys.exit(4)

    @action
    def interrupted():
        raise KeyboardInterrupt

    workflow = DotFlow(Config(notify=Recorder()))
"""


def _lines(code: str, tmp_path: Path) -> tuple[int, list[str]]:
    result = run_probe(HEADER + code, cwd=tmp_path, timeout=60)
    return result.returncode, result.stdout.splitlines()


@pytest.mark.parametrize("mode", ["sequential", "background"])
def test_a_step_that_calls_sys_exit_fails_its_task_then_the_exit_propagates(
    tmp_path: Path, mode: str
) -> None:
    code, lines = _lines(
        f"""
    workflow.task.add([fine, leaves, fine])
    try:
        run = workflow.start(mode="{mode}")
        run.wait()
    except SystemExit as exit:
        task = workflow.last_run.tasks[1]
        print("error", task.errors[-1].exception, task.errors[-1].message)
        print("run", workflow.last_run.status.value, workflow.last_run.done())
        raise
    """,
        tmp_path,
    )
    assert code == 4
    assert lines == [
        "status 1 In progress",
        "status 1 Completed",
        "status 2 In progress",
        "status 2 Failed",
        "flushed",
        "error SystemExit the step called sys.exit(4); the run stops",
        "run Failed True",
    ]


def test_ctrl_c_in_a_step_fails_its_task_and_is_re_raised(tmp_path: Path) -> None:
    code, lines = _lines(
        """
    workflow.task.add(interrupted)
    try:
        workflow.start()
    except KeyboardInterrupt:
        print("interrupted", workflow.last_run.tasks[0].status.value)
    """,
        tmp_path,
    )
    assert code == 0
    assert lines[-3:] == ["status 1 Failed", "flushed", "interrupted Failed"]


def test_a_retrying_step_that_calls_sys_exit_is_not_retried(tmp_path: Path) -> None:
    code, lines = _lines(
        """
    calls = []

    @action(retry=3, retry_delay=0)
    def once():
        calls.append(1)
        sys.exit("bye")

    workflow.task.add(once)
    try:
        workflow.start()
    except SystemExit as exit:
        print("calls", len(calls), exit.code)
    """,
        tmp_path,
    )
    assert code == 0
    assert lines[-1] == "calls 1 bye"


def test_sys_exit_in_a_parallel_worker_fails_only_that_task(tmp_path: Path) -> None:
    code, lines = _lines(
        """
    workflow.task.add([fine, leaves, fine])
    run = workflow.start(mode="parallel", keep_going=True)
    print("result", [t.status.value for t in run.tasks], run.status.value)
    print("error", run.tasks[1].errors[-1].exception)
    """,
        tmp_path,
    )
    assert code == 0
    assert lines[-2:] == ["result ['Completed', 'Failed', 'Completed'] Failed", "error SystemExit"]


@pytest.mark.parametrize("callback", ["on_success", "on_failure"])
def test_sys_exit_in_a_workflow_callback_does_not_hang_wait(tmp_path: Path, callback: str) -> None:
    steps = "fine" if callback == "on_success" else "leaves_softly"
    code, lines = _lines(
        f"""
    @action
    def leaves_softly():
        raise ValueError("no")

    def bye(tasks):
        print("callback", len(tasks), flush=True)
        sys.exit(3)

    workflow.task.add({steps})
    run = workflow.start(mode="background", {callback}=bye)
    try:
        run.wait(30)
    except SystemExit as exit:
        print("wait raised", exit.code, run.done())
        raise
    print("wait returned without the exit")
    """,
        tmp_path,
    )
    assert code == 3
    assert lines[-3:] == ["callback 1", "flushed", "wait raised 3 True"]
