"""Steps the Dask tests run. The cluster fixture puts this folder on the workers' sys.path."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any

from dotflow import Context, action


@action
def one() -> int:
    return 1


@action
def plus_one(previous_context: Context) -> int:
    return previous_context.storage + 1


@action
def echo(initial_context: Context) -> object:
    return initial_context.storage


@action
def where() -> int:
    return os.getpid()


@action
def nap(initial_context: Context) -> float:
    time.sleep(initial_context.storage)
    return initial_context.storage


@action
def burn(initial_context: Context) -> int:
    """About ``initial_context.storage`` seconds of CPU work."""
    deadline = time.process_time() + initial_context.storage
    count = 0
    while time.process_time() < deadline:
        count += 1
    return count


@action
def big() -> str:
    return "x" * 5_000_000


@action
def boom() -> None:
    raise ValueError("boom")


@action(retry=3, retry_delay=0.05)
def always_fails() -> None:
    raise RuntimeError("still broken")


@action(retry=3, retry_delay=0.05)
def fails_twice(initial_context: Context) -> str:
    """Fails until its counter file (``initial_context.storage``) records two failed attempts."""
    counter = Path(initial_context.storage)
    attempts = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(attempts + 1))
    if attempts < 2:
        raise ConnectionError(f"attempt {attempts + 1} failed")
    return "third time lucky"


@action(timeout=0.3, retry=2, retry_delay=0)
def too_slow() -> str:
    time.sleep(2)
    return "never"


@action(timeout=5)
async def async_step(previous_context: Context) -> str:
    await asyncio.sleep(0.01)
    return f"async after {previous_context.storage}"


@action
def logged(initial_context: Context) -> str:
    """Appends a line to ``initial_context.storage`` every time it runs, then fails if asked."""
    log = Path(initial_context.storage["log"])
    with log.open("a") as handle:
        handle.write(f"{initial_context.storage['name']}\n")
    flag = initial_context.storage.get("fail_if_exists")
    if flag and Path(flag).exists():
        raise RuntimeError(f"{initial_context.storage['name']} told to fail")
    return initial_context.storage["name"]


@action
def die() -> None:
    """Kills the worker process that runs it, every time."""
    os.kill(os.getpid(), signal.SIGKILL)


@action
def die_once(initial_context: Context) -> str:
    """Kills its worker the first time (marker file absent), then succeeds on the rerun."""
    marker = Path(initial_context.storage)
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return "survived"


@action
def unpicklable_result() -> object:
    return lambda: None


class Pipeline:
    """A class-based step: its @action methods run in source order."""

    @action
    def extract(self) -> list[int]:
        return [1, 2, 3]

    @action
    def total(self, previous_context: Context) -> int:
        return sum(previous_context.storage)


@action
def wait_for_file(initial_context: Context) -> str:
    """Waits (up to 60 s) for a file another group's task creates: proves the groups overlap."""
    path = Path(initial_context.storage)
    deadline = time.monotonic() + 60
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} never appeared: the other group did not run meanwhile")
        time.sleep(0.02)
    return path.read_text()


@action
def touch_file(initial_context: Context) -> str:
    Path(initial_context.storage).write_text("hello from the other group")
    return "touched"


@action
def whereabouts() -> dict[str, object]:
    """The scheduler this task's worker answers to, and the worker's process id."""
    from distributed import get_worker

    return {"scheduler": get_worker().scheduler.address, "pid": os.getpid()}


@action
def report_pid_then_wait(initial_context: Context) -> str:
    """Writes its worker's pid to ``initial_context.storage``, then waits (up to 120 s) to be
    killed by the test."""
    Path(initial_context.storage).write_text(str(os.getpid()))
    time.sleep(120)
    return "never killed"


@action
def explicit_context(previous_context: Context) -> Context:
    """Returns a Context of its own, without ids (the Runtime fills them in)."""
    return Context(storage=(previous_context.storage or 0) + 1)


def stopped_runs() -> list[str]:
    """Run on a worker (``client.run``): the runs it was told had stopped."""
    from dotflow.dask import worker

    return list(worker._stopped)


@action
def self_referencing() -> list[Any]:
    """A result that contains itself (issue 13, item 1)."""
    value: list[Any] = [1]
    value.append(value)
    return value
