"""Running a composed workflow with progress, the execution log and a summary for every run.

The workflow's notifier and log are wrapped (never replaced). ``Reporting`` starts the runs itself
and is what ``dotflow schedule`` hands to the scheduler, so a scheduled run is reported exactly like
one started by ``dotflow start``.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dotflow.cli.progress import Printer, ProgressNotify
from dotflow.cli.runlog import RunLog, RunLogWriter, log_file
from dotflow.cli.storages import describe_storage

if TYPE_CHECKING:
    from dotflow import Task, WorkflowRun
    from dotflow.cli.compose import Composed

__all__ = ["Reporting"]


def _last_run_unfinished(path: Path) -> bool:
    """Whether the last run recorded in the execution log ``path`` did not complete."""
    from dotflow.cli.logread import LogReader

    runs = [r for r in LogReader(path.parent, path.stem).read() if r.get("event") == "workflow"]
    return not runs or runs[-1].get("status") != "Completed"


def _reason(error: BaseException) -> str:
    """``"KeyboardInterrupt: interrupted (Ctrl-C or SIGINT)"``: why a run stopped, for the log."""
    if isinstance(error, KeyboardInterrupt):
        return f"{type(error).__name__}: interrupted (Ctrl-C or SIGINT)"
    return f"{type(error).__name__}: {error}"


class _FailuresOnly(Printer):
    """For ``--quiet`` and ``--json``: failed tasks only, on stderr."""

    def task(self, task: Task) -> None:
        if task.status.value == "Failed":
            super().task(task)

    def summary(self, run: WorkflowRun, storage: str, log_file: Any = None) -> None:
        return None


class Reporting:
    """Starts and reports every run of ``composed.workflow``.

    Args:
        composed: the workflow and its results folder.
        quiet: print failures only (on stderr) instead of progress and a summary.
        on_run: called with every finished run.
        resume_after_failure: for schedules: ``resume=True`` resumes a run only when the run
            before it (in this process, or the last one in the execution log) did not complete;
            after a completed run the next one starts fresh instead of skipping every task.
        tracebacks: with each failed task, print its last attempt's traceback (``--debug``).
    """

    def __init__(
        self,
        composed: Composed,
        quiet: bool = False,
        on_run: Callable[[WorkflowRun], None] | None = None,
        resume_after_failure: bool = False,
        tracebacks: bool = False,
    ) -> None:
        self.workflow = composed.workflow
        self.on_run = on_run
        self.resume_after_failure = resume_after_failure
        source = describe_storage(composed.workflow.config.storage)
        self.printer = (
            _FailuresOnly(sys.stderr, tracebacks, source)
            if quiet
            else Printer(tracebacks=tracebacks, source=source)
        )
        self.log_path = log_file(composed.log_root, self.workflow.workflow_id)
        self.writer = RunLogWriter(self.log_path)
        self._resume_next = resume_after_failure and _last_run_unfinished(self.log_path)
        self.runs: list[WorkflowRun] = []
        self._lock = threading.Lock()
        config = self.workflow.config
        config.notify = ProgressNotify(config.notify, self.printer)
        config.log = RunLog(config.log, self.writer)

    @property
    def workflow_id(self) -> str:
        """The reported workflow's id (``Reporting`` is a ``dotflow.abc.Schedulable``)."""
        return self.workflow.workflow_id

    def start(self, **kwargs: Any) -> WorkflowRun:
        """Start a run, wait for it (background too), record and summarise it."""
        workflow = self.workflow
        if self.resume_after_failure and kwargs.get("resume"):
            kwargs = {**kwargs, "resume": self._resume_next}
        mode = str(kwargs.get("mode", "sequential"))
        self.writer.workflow(workflow.workflow_id, "In progress", mode, workflow.task.count())
        try:
            run = workflow.start(**kwargs)
            run.wait()
        except BaseException as error:
            last = workflow.last_run
            if last is not None and isinstance(error, KeyboardInterrupt):
                # Ctrl-C while a background run or group threads go on: stop it now, so the
                # interrupted tasks and the run get their terminal status and reporters flush.
                last.interrupt(error)
            if last is not None and last.done():
                self._finished(last, error=_reason(error))
                if isinstance(error, KeyboardInterrupt):
                    log = None if self.writer.broken else self.log_path
                    self.printer.summary(last, describe_storage(workflow.config.storage), log)
            else:  # stopped before any task ran: close the record all the same
                self.writer.workflow(
                    workflow.workflow_id,
                    "Failed",
                    mode,
                    workflow.task.count(),
                    error=f"{type(error).__name__}: {error}",
                )
            self._resume_next = True
            raise
        self._finished(run)
        log = None if self.writer.broken else self.log_path
        self.printer.summary(run, describe_storage(workflow.config.storage), log)
        if self.on_run is not None:
            self.on_run(run)
        return run

    def _finished(self, run: WorkflowRun, error: str | None = None) -> None:
        self._resume_next = run.status.value != "Completed"
        self.writer.workflow(
            run.workflow_id, run.status.value, run.mode, len(run.tasks), run.duration, error
        )
        with self._lock:
            self.runs.append(run)

    @property
    def failed(self) -> bool:
        """Whether a task failed in any run so far."""
        with self._lock:
            return any(run.status.value == "Failed" for run in self.runs)

    def close(self) -> None:
        self.writer.close()
