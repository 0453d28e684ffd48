"""Module-level steps the core tests use (importable, so they pickle and resolve by path)."""

from __future__ import annotations

import os
import signal
import time

from dotflow import action


@action
def one() -> int:
    return 1


@action
def add_one(previous_context) -> int:
    return previous_context.storage + 1


@action(retry=3, retry_delay=0)
def always_fails() -> None:
    raise ValueError("broken on purpose")


@action
def exits_hard() -> None:
    os._exit(7)


@action
def killed_by_signal() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@action
def ten_megabytes() -> str:
    return "x" * (10 * 1024 * 1024)


@action
def pid() -> int:
    return os.getpid()


@action
def sleepy(initial_context) -> str:
    time.sleep(initial_context.storage or 0)
    return "slept"


@action
def unpicklable():
    return lambda: None


class Pipeline:
    @action
    def first(self) -> list[int]:
        return [1]

    @action
    def second(self, previous_context) -> list[int]:
        return [*previous_context.storage, 2]


def plain_function() -> None:
    return None


def record_callback(task) -> None:
    os.environ["DOTFLOW_TEST_CALLBACK"] = str(task.task_id)
