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
from dotflow.spi.model import TERMINAL, TypeStatus

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

    def __init__(
        self, stream: TextIO | None = None, tracebacks: bool = False, source: str = ""
    ) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.tracebacks = tracebacks
        #: Where restored results come from (``.output (file storage)``), for ``--resume``.
        self.source = source
        self._running: set[int] = set()  # id() of tasks seen In progress, until they end
        self._restored: set[int] = set()  # id() of tasks restored from a checkpoint
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

    def _restored_line(self, task: Task) -> str:
        symbol = "↺ " if self.symbols else ""
        where = f" from {self.source}" if self.source else ""
        head = click.style(f"{symbol}", fg="blue") if symbol else ""
        return (
            f"{head}task {task.task_id} {task.step_name}: "
            f"{click.style('Restored', fg='blue')}{where}: "
            "completed in an earlier run, not run again"
        )

    def _retry_line(self, task: Task) -> str:
        line = self._status(TypeStatus.RETRY, task)
        total = getattr(task.step, "retry", None)
        attempt = task.retry_count + 1
        if task.errors:
            attempt = task.errors[-1].attempt + 1
        line += f", attempt {attempt}/{total}" if isinstance(total, int) else f", attempt {attempt}"
        error = error_text(task)
        return f"{line} after {error}" if error else line

    def task(self, task: Task) -> None:
        """Print one status change of ``task``: ``✔ task 1 extract: Completed in 0.012s``.

        A task restored by ``--resume`` shows as ``Restored from <storage>``; a retry shows the
        attempt about to start and why: ``Retry, attempt 2/3 after ValueError: ...``.
        """
        status = task.status
        key = id(task)
        if status is TypeStatus.IN_PROGRESS:
            self._running.add(key)
        elif status is TypeStatus.COMPLETED and key not in self._running:
            self._restored.add(key)
            self.echo(self._restored_line(task))
            return
        if status in TERMINAL:
            self._running.discard(key)
        if status is TypeStatus.RETRY:
            self.echo(self._retry_line(task))
            return
        line = f"{self._status(status, task)}"
        if status in TERMINAL and task.duration is not None:
            line += f" in {_seconds(task.duration)}"
        error = error_text(task) if status is TypeStatus.FAILED else None
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
        restored = sum(1 for task in run.tasks if id(task) in self._restored)
        self._restored.difference_update(id(task) for task in run.tasks)
        counts = Counter(task.status for task in run.tasks)
        counts[TypeStatus.COMPLETED] -= restored
        per_status = ", ".join(
            f"{counts[s]} {s.value.lower()}" for s in TypeStatus if counts.get(s, 0) > 0
        )
        if restored:
            per_status = ", ".join(filter(None, [per_status, f"{restored} restored"]))
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
