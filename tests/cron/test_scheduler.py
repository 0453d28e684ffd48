"""SchedulerCron with real time: ticks, overlap policies, stop, failures, resume, modes.

Counts are exact in logic and generous in time: a 2.5 s run with a tick every second must see
at least two ticks while it runs, however slow the machine is.
"""

from __future__ import annotations

import itertools
import logging
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dotflow import Config, DotFlow, WorkflowStatus, action
from dotflow.core import registry
from dotflow.core.exceptions import ExecutionModeNotFoundError
from dotflow.cron import CronStats, SchedulerCron
from dotflow.providers import StorageFile

EVERY_SECOND = "*/1 * * * * *"

pytestmark = pytest.mark.timeout(60)


# -- construction and registration ----------------------------------------------------------


def test_registered_as_the_cron_scheduler() -> None:
    import dotflow.cron
    import dotflow.providers

    assert registry.load("scheduler", "cron") is SchedulerCron
    assert "cron" in registry.names("scheduler")
    assert dotflow.providers.SchedulerCron is SchedulerCron
    assert dotflow.cron.SchedulerCron is SchedulerCron
    assert set(dotflow.cron.__all__) >= {"SchedulerCron", "CronStats", "parse_cron"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"overlap": "sometimes"}, "unknown policy 'sometimes'; use one of 'skip', 'queue'"),
        ({"overlap": "Skip"}, "unknown policy 'Skip'"),
        ({"max_parallel": 0}, r"max_parallel=...\): expected an int >= 1, got 0"),
        ({"max_runs": 0}, r"max_runs=...\): expected an int >= 1, got 0"),
        ({"max_runs": True}, "got True"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_arguments_are_rejected_at_construction(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SchedulerCron(cron="* * * * *", **kwargs)


def test_timezone_and_repr() -> None:
    scheduler = SchedulerCron(cron="0 9 * * 1-5", timezone="Europe/Berlin", max_runs=3)
    assert str(scheduler.timezone) == "Europe/Berlin"
    assert repr(scheduler) == (
        "SchedulerCron(cron='0 9 * * 1-5', overlap='skip', max_parallel=10, max_runs=3)"
    )
    assert scheduler.stats == CronStats()
    scheduler.stop()  # not running: nothing happens
    assert not scheduler.running


def test_unknown_mode_fails_before_anything_is_scheduled(logged_workflow: Callable) -> None:
    scheduler = SchedulerCron(cron=EVERY_SECOND, max_runs=1)
    with pytest.raises(ExecutionModeNotFoundError, match="nope"):
        logged_workflow(scheduler).schedule(mode="nope")
    assert scheduler.stats.ticks == 0 and not scheduler.running


def test_an_execution_instance_is_a_mode_as_in_start(
    run_log: Any, logged_workflow: Callable
) -> None:
    from dotflow.core.execution.sequential import Sequential

    scheduler = SchedulerCron(cron=EVERY_SECOND, max_runs=1)
    logged_workflow(scheduler).schedule(mode=Sequential())
    assert scheduler.stats == CronStats(ticks=1, started=1, finished=1, failed=0)
    assert len(run_log.intervals()) == 1


# -- ticks and overlap ----------------------------------------------------------------------


def test_a_seconds_cron_runs_once_per_tick(run_log: Any, logged_workflow: Callable) -> None:
    scheduler = SchedulerCron(cron=EVERY_SECOND, max_runs=3)
    successes: list[int] = []

    logged_workflow(scheduler).schedule(on_success=lambda tasks: successes.append(len(tasks)))

    assert successes == [1, 1, 1]
    assert scheduler.stats == CronStats(ticks=3, started=3, finished=3)
    starts = [start for start, _ in run_log.intervals()]
    assert len(starts) == 3
    assert all(later - earlier >= 0.5 for earlier, later in itertools.pairwise(starts))


def test_skip_drops_ticks_while_a_run_is_active(run_log: Any, logged_workflow: Callable) -> None:
    scheduler = SchedulerCron(cron=EVERY_SECOND, overlap="skip", max_runs=2)

    logged_workflow(scheduler, seconds=2.5).schedule()

    stats = scheduler.stats
    assert (stats.started, stats.finished, stats.queued) == (2, 2, 0)
    assert stats.skipped >= 2  # the ticks at +1 s and +2 s of the first run
    assert stats.ticks == stats.started + stats.skipped
    assert run_log.max_concurrency() == 1


def test_queue_keeps_one_pending_run(run_log: Any, logged_workflow: Callable) -> None:
    scheduler = SchedulerCron(cron=EVERY_SECOND, overlap="queue", max_runs=3)

    logged_workflow(scheduler, seconds=2.5).schedule()

    stats = scheduler.stats
    # run 1 starts on a tick; the next tick is queued (run 2), the one after is dropped; run 2
    # starts when run 1 ends, and the next tick is queued again (run 3, the last allowed).
    assert (stats.started, stats.finished, stats.queued) == (3, 3, 2)
    assert stats.skipped >= 1
    assert run_log.max_concurrency() == 1
    (_, e1), (s2, e2), (s3, _) = run_log.intervals()
    assert e1 <= s2 and e2 <= s3


def test_parallel_runs_up_to_max_parallel(run_log: Any, logged_workflow: Callable) -> None:
    scheduler = SchedulerCron(cron=EVERY_SECOND, overlap="parallel", max_parallel=2, max_runs=4)

    logged_workflow(scheduler, seconds=2.5).schedule()

    stats = scheduler.stats
    assert (stats.started, stats.finished, stats.queued) == (4, 4, 0)
    assert stats.skipped >= 1  # at +2 s runs 1 and 2 are both active
    assert run_log.max_concurrency() == 2


# -- stopping -------------------------------------------------------------------------------


def test_stop_lets_the_running_run_finish_and_drops_the_queued_one(
    run_log: Any, logged_workflow: Callable
) -> None:
    scheduler = SchedulerCron(cron=EVERY_SECOND, overlap="queue")

    def stop_when_queued() -> None:
        deadline = time.monotonic() + 30
        while scheduler.stats.queued < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        scheduler.stop()

    threading.Thread(target=stop_when_queued).start()
    logged_workflow(scheduler, seconds=2.5).schedule()

    assert scheduler.stats.started == scheduler.stats.finished == 1
    ((_, end),) = run_log.intervals()
    assert end is not None
    assert not scheduler.running


def test_signal_handlers_are_restored(logged_workflow: Callable) -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    seen: dict[int, Any] = {}

    def peek(tasks: Any) -> None:
        seen.update({sig: signal.getsignal(sig) for sig in before})

    logged_workflow(SchedulerCron(cron=EVERY_SECOND, max_runs=1)).schedule(on_success=peek)

    assert all(seen[sig] is not before[sig] for sig in before)  # installed while running
    assert {sig: signal.getsignal(sig) for sig in before} == before


def test_outside_the_main_thread_no_handler_is_installed(logged_workflow: Callable) -> None:
    before = signal.getsignal(signal.SIGTERM)
    scheduler = SchedulerCron(cron=EVERY_SECOND)
    workflow = logged_workflow(scheduler)
    thread = threading.Thread(target=workflow.schedule)
    thread.start()
    deadline = time.monotonic() + 30
    while scheduler.stats.finished < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert signal.getsignal(signal.SIGTERM) is before
    with pytest.raises(RuntimeError, match="already running"):
        scheduler.start(workflow)
    scheduler.stop()
    thread.join(30)
    assert not thread.is_alive()
    assert scheduler.stats.finished >= 1


# -- failures, resume and modes -------------------------------------------------------------


class FlakyWorkflow(DotFlow):
    """A workflow whose first ``start()`` raises (as a broken storage or callback might)."""

    calls = 0

    def start(self, **kwargs: Any) -> Any:
        type(self).calls += 1
        if type(self).calls == 1:
            raise OSError("the disk is gone")
        return super().start(**kwargs)


def test_a_run_that_raises_is_logged_and_the_schedule_goes_on(
    caplog: pytest.LogCaptureFixture, run_log: Any, logged_workflow: Callable
) -> None:
    scheduler = SchedulerCron(cron=EVERY_SECOND, max_runs=2)
    workflow = logged_workflow(scheduler, cls=FlakyWorkflow)

    with caplog.at_level(logging.ERROR, logger="dotflow.cron"):
        workflow.schedule()

    assert scheduler.stats == CronStats(ticks=2, started=2, finished=2, failed=1)
    assert (
        "scheduled run 1 of workflow" in caplog.text and "OSError: the disk is gone" in caplog.text
    )
    assert len(run_log.intervals()) == 1


def test_any_schedulable_is_scheduled_not_only_a_dotflow(
    run_log: Any, logged_workflow: Callable
) -> None:
    class Counted:
        """Wraps a workflow the way the CLI does: starts each run itself and sees its result."""

        def __init__(self, workflow: DotFlow) -> None:
            self.workflow = workflow
            self.kwargs: list[dict[str, Any]] = []
            self.statuses: list[WorkflowStatus] = []

        @property
        def workflow_id(self) -> str:
            return self.workflow.workflow_id

        def start(self, **kwargs: Any) -> Any:
            self.kwargs.append(kwargs)
            run = self.workflow.start(**kwargs)
            self.statuses.append(run.status)
            return run

    scheduler = SchedulerCron(cron=EVERY_SECOND, max_runs=2)
    counted = Counted(logged_workflow(scheduler))
    scheduler.start(counted, mode="sequential")
    assert counted.kwargs == [{"mode": "sequential"}] * 2
    assert counted.statuses == [WorkflowStatus.COMPLETED] * 2
    assert len(run_log.intervals()) == 2
    assert scheduler.stats.finished == 2


def test_a_failed_run_resumes_from_its_checkpoint_on_the_next_tick(tmp_path: Path) -> None:
    counts = tmp_path / "counts"
    counts.mkdir()

    @action
    def first() -> str:
        (counts / f"first-{time.monotonic_ns()}").touch()
        return "kept"

    @action
    def second(previous_context: Any) -> str:
        (counts / f"second-{time.monotonic_ns()}").touch()
        if not (tmp_path / "fixed").exists():
            (tmp_path / "fixed").touch()
            raise RuntimeError("not yet")
        return previous_context.storage + " and done"

    scheduler = SchedulerCron(cron=EVERY_SECOND, max_runs=2)
    config = Config(storage=StorageFile(path=str(tmp_path / "out")), scheduler=scheduler)
    workflow = DotFlow(config=config, workflow_id="nightly-v1")
    workflow.task.add(step=first)
    workflow.task.add(step=second)

    workflow.schedule(resume=True)

    assert scheduler.stats.failed == 1 and scheduler.stats.finished == 2
    assert len(list(counts.glob("first-*"))) == 1  # not run again: its checkpoint was used
    assert len(list(counts.glob("second-*"))) == 2
    assert workflow.last_run is not None
    assert workflow.last_run.status is WorkflowStatus.COMPLETED
    assert workflow.result_storage() == ["kept", "kept and done"]


@pytest.mark.parametrize("mode", ["background", "parallel", "sequential_group"])
def test_every_mode_runs_to_the_end_of_each_run(
    mode: str, run_log: Any, logged_workflow: Callable
) -> None:
    scheduler = registry.load("scheduler", "cron")(cron=EVERY_SECOND, overlap="skip", max_runs=2)
    finished: list[str] = []

    logged_workflow(scheduler, seconds=0.2).schedule(
        mode=mode, resume=False, on_success=lambda tasks: finished.append(tasks[0].status.value)
    )

    assert finished == ["Completed", "Completed"]
    assert scheduler.stats.finished == 2 and scheduler.stats.failed == 0
    assert all(end is not None for _, end in run_log.intervals())
    assert len(run_log.intervals()) == 2
