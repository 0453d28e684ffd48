"""Live progress: one line per task status change, and a summary when the run ends.

Progress is a :class:`~dotflow.abc.Notify` wrapped around the workflow's own notifier, so the
configured notifier still gets every event. Lines are coloured on a terminal and plain otherwise.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from typing import TYPE_CHECKING, Any, TextIO

import click

from dotflow.abc import Notify
from dotflow.core.types.status import TERMINAL, TypeStatus

if TYPE_CHECKING:
    from dotflow import Task, WorkflowRun

__all__ = ["Printer", "ProgressNotify", "error_text"]

_COLORS = {
    TypeStatus.IN_PROGRESS: "cyan",
    TypeStatus.RETRY: "yellow",
    TypeStatus.COMPLETED: "green",
    TypeStatus.FAILED: "red",
}


def error_text(task: Task) -> str | None:
    """``"ValueError: boom"`` for the task's latest failed attempt, or ``None``."""
    if not task.errors:
        return None
    last = task.errors[-1]
    return f"{last.exception}: {last.message}" if last.message else last.exception


def _seconds(duration: float | None) -> str:
    if duration is None:
        return ""
    return f"{duration:.3f}s" if duration < 10 else f"{duration:.1f}s"


class Printer:
    """Writes progress lines to ``stream`` (stdout by default), one whole line at a time."""

    def __init__(self, stream: TextIO | None = None, tracebacks: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.tracebacks = tracebacks
        encoding = getattr(self.stream, "encoding", None) or "ascii"
        try:
            "".join(s.symbol for s in TypeStatus).encode(encoding)
            self.symbols = True
        except (UnicodeEncodeError, LookupError):
            self.symbols = False
        self._lock = threading.Lock()

    def echo(self, text: str) -> None:
        with self._lock:
            click.echo(text, file=self.stream)  # flushes: live even when stdout is a pipe

    def _status(self, status: TypeStatus, task: Task) -> str:
        symbol = f"{status.symbol} " if self.symbols else ""
        color = _COLORS.get(status)
        bold = status is TypeStatus.FAILED
        # click.echo drops the colours when the stream is not a terminal.
        head = click.style(symbol, fg=color, bold=bold) if color and symbol else symbol
        tail = click.style(status.value, fg=color, bold=bold) if color else status.value
        return f"{head}task {task.task_id} {task.step_name}: {tail}"

    def task(self, task: Task) -> None:
        """Print one status change of ``task``: ``✔ task 1 extract: Completed in 0.012s``."""
        status = task.status
        line = f"{self._status(status, task)}"
        if status in TERMINAL and task.duration is not None:
            line += f" in {_seconds(task.duration)}"
        error = error_text(task) if status in (TypeStatus.FAILED, TypeStatus.RETRY) else None
        if error:
            line += f" ({error})"
        self.echo(line)
        if self.tracebacks and status is TypeStatus.FAILED and task.errors:
            self._traceback(task)

    def _traceback(self, task: Task) -> None:
        """``--debug``: the traceback of the failed task's last attempt, on stderr."""
        last = task.errors[-1]
        if not last.traceback:
            return
        with self._lock:
            click.echo(
                f"Traceback of task {task.task_id} {task.step_name}, attempt {last.attempt}:",
                file=sys.stderr,
            )
            click.echo(last.traceback.rstrip("\n"), file=sys.stderr)

    def summary(self, run: WorkflowRun, storage: str, log_file: Any = None) -> None:
        """Print the end of a run: counts per status, total time, where results went."""
        counts = Counter(task.status for task in run.tasks)
        per_status = ", ".join(
            f"{counts[s]} {s.value.lower()}" for s in TypeStatus if counts.get(s)
        )
        total = len(run.tasks)
        status = run.status.value
        color = "green" if status == "Completed" else "red"
        head = click.style(f"Workflow {status.lower()}", fg=color, bold=True)
        self.echo(
            f"{head}: {total} task{'s' if total != 1 else ''} ({per_status or 'none'}) in "
            f"{_seconds(run.duration or 0.0)}, workflow id {run.workflow_id}"
        )
        self.echo(f"Results: {storage}")
        if log_file is not None:
            self.echo(f"Log: {log_file}")


class ProgressNotify(Notify):
    """Prints every status change, then hands it to the wrapped notifier."""

    def __init__(self, inner: Notify, printer: Printer) -> None:
        self.inner = inner
        self.printer = printer

    def send(self, task: Task) -> None:
        try:
            self.printer.task(task)
        finally:
            self.inner.send(task)

    def flush(self, timeout: float | None = None) -> bool:
        return self.inner.flush(timeout)
