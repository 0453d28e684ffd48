"""SchedulerCron: run a workflow on a cron schedule until stopped."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta, tzinfo
from typing import Any

import attrs

from dotflow.abc.scheduler import Schedulable, Scheduler
from dotflow.cron.expression import parse_cron
from dotflow.cron.signals import GracefulSignals
from dotflow.spi.model import WorkflowStatus

__all__ = ["OVERLAP_POLICIES", "CronStats", "SchedulerCron"]

logger = logging.getLogger(__name__)

#: What a tick does while a run is still active.
OVERLAP_POLICIES = ("skip", "queue", "parallel")

#: How often the waiting ``start()`` looks at signals and limits (seconds).
_POLL = 0.2


@attrs.frozen
class CronStats:
    """What the current (or last) ``start()`` did.

    Attributes:
        ticks: times the cron expression fired (ticks after ``stop()`` or ``max_runs`` excluded).
        started: runs started.
        finished: runs finished (completed, failed or raised).
        failed: finished runs whose workflow failed or whose ``start()`` raised.
        skipped: ticks dropped by the overlap policy.
        queued: ticks kept as the pending run (``overlap="queue"``).
    """

    ticks: int = 0
    started: int = 0
    finished: int = 0
    failed: int = 0
    skipped: int = 0
    queued: int = 0


def _timezone(value: tzinfo | str | None) -> tzinfo | None:
    if value is None or isinstance(value, tzinfo):
        return value
    if isinstance(value, str):
        from zoneinfo import ZoneInfo

        try:
            return ZoneInfo(value)
        except (ValueError, KeyError) as error:  # ZoneInfoNotFoundError is a KeyError
            msg = (
                f"SchedulerCron(timezone=...): unknown time zone {value!r}; use an IANA name "
                "such as 'UTC' or 'Europe/Berlin', or a tzinfo"
            )
            raise ValueError(msg) from error
    msg = f"SchedulerCron(timezone=...): expected a str or tzinfo, got {type(value).__name__}"
    raise TypeError(msg)


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"SchedulerCron({name}=...): expected an int >= 1, got {value!r}"
        raise ValueError(msg)
    return value


class SchedulerCron(Scheduler):
    """Starts a fresh run of the workflow on every tick of a cron expression.

    ``start()`` blocks until ``stop()`` is called, SIGINT or SIGTERM arrives (handled in the main
    thread: no new run starts, running ones finish, ``start()`` returns), or ``max_runs`` runs
    have finished. A run that fails or raises is logged; the schedule goes on.

    Args:
        cron: ``"*/5 * * * *"`` (standard 5 fields), ``"* * * * * */10"`` (6 fields, seconds
            last, as in dotflow 1.x) or ``@hourly``-style nicknames; see
            :mod:`dotflow.cron.expression`. :meth:`next_fire_times` shows what it means.
        overlap: what a tick does while a run is active: ``"skip"`` it, ``"queue"`` it (at
            most one pending run, started when the current one ends), or start it in
            ``"parallel"`` (up to ``max_parallel`` runs at once, further ticks skipped).
        max_parallel: the most simultaneous runs with ``overlap="parallel"``.
        timezone: the zone the expression is read in (IANA name or tzinfo); local by default.
        max_runs: return after this many runs have finished; ``None`` runs until stopped.
    """

    def __init__(
        self,
        cron: str,
        overlap: str = "skip",
        max_parallel: int = 10,
        timezone: tzinfo | str | None = None,
        max_runs: int | None = None,
    ) -> None:
        if overlap not in OVERLAP_POLICIES:
            msg = (
                f"SchedulerCron(overlap=...): unknown policy {overlap!r}; use one of "
                f"{', '.join(repr(p) for p in OVERLAP_POLICIES)}"
            )
            raise ValueError(msg)
        self.cron = cron
        self.overlap = overlap
        self.max_parallel = _positive_int("max_parallel", max_parallel)
        self.max_runs = None if max_runs is None else _positive_int("max_runs", max_runs)
        self.timezone = _timezone(timezone)
        self.trigger = parse_cron(cron, self.timezone)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._running = False
        self._reset()

    def __repr__(self) -> str:
        return (
            f"SchedulerCron(cron={self.cron!r}, overlap={self.overlap!r}, "
            f"max_parallel={self.max_parallel}, max_runs={self.max_runs})"
        )

    def _reset(self) -> None:
        self._stats = CronStats()
        self._active = 0
        self._pending = 0
        self._stopping = False
        self._workflow: Schedulable | None = None
        self._kwargs: dict[str, Any] = {}

    def next_fire_times(self, count: int = 3, after: datetime | None = None) -> list[datetime]:
        """The next ``count`` times the expression matches after ``after`` (default: now).

        They are aware datetimes in the scheduler's time zone (local when none was given), so
        what an expression means is visible before the first run.
        """
        now = after if after is not None else datetime.now(self.timezone)
        if now.tzinfo is None:  # a naive time is read in the scheduler's zone (or local)
            now = now.replace(tzinfo=self.timezone) if self.timezone else now.astimezone()
        times: list[datetime] = []
        previous: datetime | None = None
        for _ in range(count):
            fire = self.trigger.get_next_fire_time(previous, now)
            if fire is None:
                break
            times.append(fire)
            previous, now = fire, fire + timedelta(microseconds=1)
        return times

    @property
    def stats(self) -> CronStats:
        """Counters of the current (or last) ``start()``."""
        return self._stats

    @property
    def running(self) -> bool:
        """Whether ``start()`` is in progress."""
        return self._running

    # -- the port ------------------------------------------------------------------------

    def start(self, workflow: Schedulable, **kwargs: Any) -> None:
        """Run ``workflow.start(**kwargs)`` on every tick; block until stopped.

        Raises:
            RuntimeError: this scheduler is already running.
        """
        from apscheduler.schedulers.background import BackgroundScheduler

        _check_mode(kwargs.get("mode"))
        with self._lock:
            if self._running:
                msg = "SchedulerCron.start(): this scheduler is already running; stop() it first"
                raise RuntimeError(msg)
            self._reset()
            self._running = True
            self._workflow, self._kwargs = workflow, kwargs
        options: dict[str, Any] = {} if self.timezone is None else {"timezone": self.timezone}
        scheduler = BackgroundScheduler(**options)
        scheduler.add_job(
            self._tick,
            trigger=self.trigger,
            id="dotflow-cron",
            name=f"dotflow workflow {workflow.workflow_id}",
            max_instances=1,  # the tick only decides; runs happen in their own threads
            coalesce=True,
            misfire_grace_time=None,
        )
        try:
            with GracefulSignals() as signals:
                scheduler.start()
                job = scheduler.get_job("dotflow-cron")
                logger.info(
                    "workflow %s scheduled with cron %r (overlap=%s); first run at %s",
                    workflow.workflow_id,
                    self.cron,
                    self.overlap,
                    getattr(job, "next_run_time", None),
                )
                self._wait_until_done_starting(signals)
                scheduler.shutdown(wait=False)
                self._wait_for_runs()
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            with self._lock:
                self._running = False
                self._workflow, self._kwargs = None, {}
        stats = self._stats
        logger.info(
            "scheduler for workflow %s stopped: %s runs (%s failed), %s ticks skipped",
            workflow.workflow_id,
            stats.finished,
            stats.failed,
            stats.skipped,
        )

    def stop(self) -> None:
        """Stop scheduling: no new run starts (a queued one is dropped); running ones finish.

        ``start()`` returns once they have. Does nothing when the scheduler is not running.
        """
        with self._changed:
            if not self._running or self._stopping:
                return
            self._stopping = True
            if self._pending:
                logger.info("the queued run is dropped: the scheduler is stopping")
                self._pending = 0
            self._changed.notify_all()

    # -- waiting ---------------------------------------------------------------------------

    def _done_starting(self) -> bool:
        return self._stopping or (
            self.max_runs is not None and self._stats.started >= self.max_runs
        )

    def _wait_until_done_starting(self, signals: GracefulSignals) -> None:
        while True:
            if signals.received is not None:
                logger.warning(
                    "%s received: no new runs start; waiting for %s running (signal again to "
                    "stop at once)",
                    signals.received.name,
                    self._active,
                )
                signals.received = None
                self.stop()
            with self._changed:
                if self._done_starting():
                    return
                self._changed.wait(_POLL)

    def _wait_for_runs(self) -> None:
        with self._changed:
            while self._active or self._pending:
                self._changed.wait(_POLL)

    # -- ticks and runs ---------------------------------------------------------------------

    def _tick(self) -> None:
        with self._changed:
            if self._done_starting():
                return
            stats = self._stats
            committed = stats.started + self._pending
            if self.max_runs is not None and committed >= self.max_runs:
                return  # the last allowed run is already queued
            stats = attrs.evolve(stats, ticks=stats.ticks + 1)
            limit = self.max_parallel if self.overlap == "parallel" else 1
            if self._active < limit:
                self._stats = stats
                self._launch()
                return
            if self.overlap == "queue" and not self._pending:
                self._pending = 1
                self._stats = attrs.evolve(stats, queued=stats.queued + 1)
                logger.info("tick queued: a run is still active (overlap='queue')")
                return
            self._stats = attrs.evolve(stats, skipped=stats.skipped + 1)
            logger.info(
                "tick skipped: %s run(s) still active (overlap=%r)", self._active, self.overlap
            )

    def _launch(self) -> None:
        """Start a run in its own thread (the lock is held)."""
        number = self._stats.started + 1
        self._stats = attrs.evolve(self._stats, started=number)
        self._active += 1
        # A daemon: start() always waits for its runs, except after a second signal, when the
        # user asked to stop at once.
        thread = threading.Thread(
            target=self._run, args=(number,), name=f"dotflow-cron-run-{number}", daemon=True
        )
        try:
            thread.start()
        except RuntimeError as error:  # out of threads: count it as a failed run
            logger.error("scheduled run %s could not start: %s", number, error)
            self._end_run(failed=True)
        self._changed.notify_all()

    def _run(self, number: int) -> None:
        workflow, kwargs = self._workflow, self._kwargs
        assert workflow is not None
        started = time.perf_counter()
        logger.info("scheduled run %s of workflow %s started", number, workflow.workflow_id)
        failed = True
        try:
            run = workflow.start(**kwargs)
            if not run.done():  # background mode returns at once
                run.wait()
            failed = run.status is WorkflowStatus.FAILED
            logger.info(
                "scheduled run %s of workflow %s finished: %s in %.2f s",
                number,
                workflow.workflow_id,
                run.status.value,
                time.perf_counter() - started,
            )
        except BaseException:
            logger.exception(
                "scheduled run %s of workflow %s raised; the scheduler goes on",
                number,
                workflow.workflow_id,
            )
        finally:
            with self._changed:
                self._end_run(failed)
                if self._pending and not self._stopping:
                    self._pending = 0
                    self._launch()
                self._changed.notify_all()

    def _end_run(self, failed: bool) -> None:
        stats = self._stats
        self._active -= 1
        self._stats = attrs.evolve(
            stats, finished=stats.finished + 1, failed=stats.failed + int(failed)
        )


def _check_mode(mode: Any) -> None:
    """Fail before scheduling, not at every tick, when ``mode`` names no execution mode."""
    if mode is not None:
        from dotflow.spi.execution import execution_for

        execution_for(mode)
