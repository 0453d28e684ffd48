from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time

import pytest

from dotflow import DotFlow, TypeStatus, action
from dotflow.core import attempts


def run_one(step, **start) -> DotFlow:
    workflow = DotFlow()
    workflow.task.add(step=step)
    workflow.start(**start)
    return workflow


def test_retry_is_the_total_number_of_attempts() -> None:
    calls = []

    @action(retry=4, retry_delay=0)
    def fails():
        calls.append(1)
        raise RuntimeError(f"attempt {len(calls)}")

    task = run_one(fails).result_task()[0]
    assert len(calls) == 4
    assert task.status is TypeStatus.FAILED
    assert task.retry_count == 3
    assert [e.attempt for e in task.errors] == [1, 2, 3, 4]
    assert [e.message for e in task.errors] == [f"attempt {i}" for i in range(1, 5)]
    assert all(e.exception == "RuntimeError" and "RuntimeError" in e.traceback for e in task.errors)


def test_recovering_step_completes_with_earlier_errors_kept() -> None:
    calls = []

    @action(retry=3, retry_delay=0)
    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("down")
        return "up"

    task = run_one(flaky).result_task()[0]
    assert task.status is TypeStatus.COMPLETED
    assert task.current_context.storage == "up"
    assert len(task.errors) == 2


def test_delays_and_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(attempts.time, "sleep", slept.append)

    @action(retry=4, retry_delay=0.5, backoff=True)
    def doubling():
        raise RuntimeError

    @action(retry=3, retry_delay=0.25)
    def constant():
        raise RuntimeError

    run_one(doubling)
    assert slept == [0.5, 1.0, 2.0]
    slept.clear()
    run_one(constant)
    assert slept == [0.25, 0.25]


def test_timed_out_attempts_are_retried_then_fail() -> None:
    calls = []

    @action(timeout=0.1, retry=3, retry_delay=0)
    def hangs():
        calls.append(1)
        time.sleep(5 if len(calls) < 3 else 0)
        return "third time lucky"

    task = run_one(hangs).result_task()[0]
    assert task.status is TypeStatus.COMPLETED
    assert [e.exception for e in task.errors] == ["TaskTimeoutError", "TaskTimeoutError"]


def test_a_hung_attempt_does_not_keep_the_process_alive(tmp_path) -> None:
    script = tmp_path / "hung.py"
    script.write_text(
        textwrap.dedent(
            """
            import time
            from dotflow import DotFlow, action

            @action(timeout=0.2)
            def hangs():
                time.sleep(3600)

            workflow = DotFlow()
            workflow.task.add(step=hangs)
            workflow.start()
            print(workflow.result_task()[0].status)
            """
        )
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "Failed" in done.stdout


def test_async_step_and_async_timeout() -> None:
    @action
    async def fine(previous_context):
        await asyncio.sleep(0)
        return "async ok"

    @action(timeout=0.1, retry=2, retry_delay=0)
    async def slow():
        await asyncio.sleep(10)

    assert run_one(fine).result_storage() == ["async ok"]
    task = run_one(slow).result_task()[0]
    assert task.status is TypeStatus.FAILED
    assert [e.exception for e in task.errors] == ["TaskTimeoutError"] * 2


def test_async_step_from_inside_a_running_loop() -> None:
    @action
    async def inner():
        await asyncio.sleep(0)
        return "nested"

    async def main():
        return run_one(inner).result_storage()

    assert asyncio.run(main()) == ["nested"]


def test_blocking_coroutine_still_times_out() -> None:
    @action(timeout=0.1)
    async def blocks():
        time.sleep(5)

    task = run_one(blocks).result_task()[0]
    assert task.errors[0].exception == "TaskTimeoutError"
