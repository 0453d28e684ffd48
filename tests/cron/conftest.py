"""Fixtures for dotflow-cron: a run log that steps write to, and its analysis."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dotflow import Config, DotFlow, action
from dotflow.abc import Scheduler


class RunLog:
    """A side-effect file: each run of ``logged_step`` writes its start and its end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.path.touch()

    def intervals(self) -> list[tuple[float, float | None]]:
        """(start, end) of every run, in start order; ``end`` is None while running."""
        starts: dict[str, float] = {}
        ends: dict[str, float] = {}
        for line in self.path.read_text().splitlines():
            kind, run, moment = line.split()
            (starts if kind == "start" else ends)[run] = float(moment)
        return sorted((start, ends.get(run)) for run, start in starts.items())

    def max_concurrency(self) -> int:
        events = []
        for start, end in self.intervals():
            assert end is not None, "a run did not finish"
            events += [(start, 1), (end, -1)]
        level = peak = 0
        for _, step in sorted(events, key=lambda e: (e[0], e[1])):  # an end before a start
            level += step
            peak = max(peak, level)
        return peak

    def wait_started(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.intervals()) < count:
            assert time.monotonic() < deadline, f"{count} runs did not start"
            time.sleep(0.05)


@action
def logged_step(initial_context: object) -> str:
    """Write start, sleep ``seconds``, write end, to the run log ``path``."""
    settings = initial_context.storage  # type: ignore[attr-defined]
    run = f"{threading.get_ident()}-{time.monotonic_ns()}"
    with open(settings["path"], "a") as log:
        log.write(f"start {run} {time.monotonic()}\n")
    time.sleep(settings["seconds"])
    with open(settings["path"], "a") as log:
        log.write(f"end {run} {time.monotonic()}\n")
    return run


@pytest.fixture
def run_log(tmp_path: Path) -> Iterator[RunLog]:
    yield RunLog(tmp_path / "runs.log")


@pytest.fixture
def logged_workflow(run_log: RunLog) -> Callable[..., DotFlow]:
    """``logged_workflow(scheduler, seconds, cls=DotFlow)``: one task that writes to ``run_log``."""

    def make(
        scheduler: Scheduler, seconds: float = 0.0, cls: type[DotFlow] = DotFlow, **config: object
    ) -> DotFlow:
        workflow = cls(config=Config(scheduler=scheduler, **config))  # type: ignore[arg-type]
        workflow.task.add(
            step=logged_step, initial_context={"path": str(run_log.path), "seconds": seconds}
        )
        return workflow

    return make
