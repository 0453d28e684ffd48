"""Timeouts and delays that are not finite numbers (issue 13, item 5).

``inf`` means no limit, ``nan`` and negative values are refused when the step is decorated, and
values beyond what the platform can wait are clamped instead of failing every attempt with
``OverflowError`` while the step keeps running.
"""

from __future__ import annotations

import asyncio
import math
import threading

import pytest

from dotflow import DotFlow, TypeStatus, action
from dotflow.core.action import MAX_WAIT


def _run(step) -> tuple[TypeStatus, list[str]]:
    workflow = DotFlow()
    workflow.task.add(step=step)
    (task,) = workflow.start().tasks
    return task.status, [error.exception for error in task.errors]


@pytest.mark.parametrize("timeout", [math.inf, 9.3e9, 1e300])
def test_an_unbounded_or_huge_timeout_lets_a_sync_step_finish_once(timeout: float) -> None:
    calls: list[int] = []

    @action(timeout=timeout, retry=2, retry_delay=0)
    def step() -> str:
        calls.append(1)
        return "done"

    assert _run(step) == (TypeStatus.COMPLETED, [])
    assert calls == [1]


@pytest.mark.parametrize("timeout", [math.inf, 9.3e9])
def test_an_unbounded_or_huge_timeout_lets_an_async_step_finish(timeout: float) -> None:
    @action(timeout=timeout)
    async def step() -> str:
        await asyncio.sleep(0)
        return "done"

    assert _run(step) == (TypeStatus.COMPLETED, [])


def test_inf_means_no_limit_and_huge_values_are_clamped() -> None:
    assert action(timeout=math.inf)(lambda: 1).timeout == 0
    assert action(timeout=1e300)(lambda: 1).timeout == MAX_WAIT
    assert action(retry_delay=1e300)(lambda: 1).retry_delay == MAX_WAIT
    assert MAX_WAIT == threading.TIMEOUT_MAX


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": math.nan}, r"timeout=nan\): NaN is not a number of seconds"),
        ({"retry_delay": math.nan}, r"retry_delay=nan\): NaN"),
        ({"timeout": -1}, r"timeout=-1\): expected a number of seconds >= 0"),
        ({"retry_delay": -0.5}, r"retry_delay=-0.5\)"),
        ({"retry_delay": math.inf}, r"retry_delay=inf\): expected a finite number"),
        ({"timeout": "10"}, r"timeout='10'\)"),
    ],
)
def test_bad_values_are_refused_when_decorating(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        action(**kwargs)(lambda: 1)


def test_a_finite_timeout_still_stops_an_attempt() -> None:
    release = threading.Event()

    @action(timeout=0.05)
    def stuck() -> None:
        release.wait(30)

    try:
        assert _run(stuck) == (TypeStatus.FAILED, ["TaskTimeoutError"])
    finally:
        release.set()
