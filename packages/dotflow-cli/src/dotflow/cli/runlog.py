"""The execution log: one JSON line per status change, in ``{path}/logs/{workflow_id}.jsonl``.

``dotflow start`` and ``dotflow schedule`` write it through :class:`RunLog`, a
:class:`~dotflow.abc.Log` wrapped around the workflow's own log; ``dotflow log`` reads it.

Each line is one JSON object, written with a single ``write`` to a file opened for appending, so a
reader never sees half a line. Two kinds of record:

- ``{"event": "task", "time", "workflow_id", "task_id", "step", "group", "status", "duration",
  "retry_count", "error"}`` for every task status change;
- ``{"event": "workflow", "time", "workflow_id", "status", "mode", "duration", "tasks"}`` when a
  run starts (status ``In progress``) and when it ends (``Completed`` or ``Failed``).

``time`` is ISO 8601 with the UTC offset; ``duration`` is in seconds; ``error`` is
``"Type: message"`` of the latest failed attempt or ``null``.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dotflow.abc import Log
from dotflow.cli.progress import error_text

if TYPE_CHECKING:
    from dotflow import Task

__all__ = ["RunLog", "RunLogWriter", "log_file"]

logger = logging.getLogger(__name__)


def log_file(root: str | os.PathLike[str], workflow_id: str) -> Path:
    """The log file of ``workflow_id`` under the results folder ``root``."""
    return Path(root) / "logs" / f"{workflow_id}.jsonl"


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


class RunLogWriter:
    """Appends records to one workflow's log file. A failure to write warns once and stops."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._broken = False
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        """Append ``record`` as one line."""
        line = (
            json.dumps({"time": _now(), **record}, ensure_ascii=False, default=str) + "\n"
        ).encode()
        with self._lock:
            if self._broken:
                return
            try:
                if self._fd is None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                view = memoryview(line)
                while view:  # one write in practice; a short write only on a full disk
                    view = view[os.write(self._fd, view) :]
            except OSError as error:
                self._broken = True
                logger.warning("cannot write the execution log %s: %s", self.path, error)

    @property
    def broken(self) -> bool:
        """Whether writing failed (the log is then incomplete and no longer written)."""
        return self._broken

    def workflow(
        self,
        workflow_id: str,
        status: str,
        mode: str,
        tasks: int,
        duration: float | None = None,
        error: str | None = None,
    ) -> None:
        """Record the start or the end of a run of a workflow."""
        record: dict[str, Any] = {
            "event": "workflow",
            "workflow_id": workflow_id,
            "status": status,
            "mode": mode,
            "duration": duration,
            "tasks": tasks,
        }
        if error is not None:
            record["error"] = error
        self.write(record)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


class RunLog(Log):
    """Records every status change in the execution log, then hands it to the wrapped log."""

    def __init__(self, inner: Log, writer: RunLogWriter) -> None:
        self.inner = inner
        self.writer = writer

    def _record(self, task: Task) -> None:
        self.writer.write(
            {
                "event": "task",
                "workflow_id": task.workflow_id,
                "task_id": task.task_id,
                "step": task.step_name,
                "group": task.group_name,
                "status": task.status.value,
                "duration": task.duration,
                "retry_count": task.retry_count,
                "error": error_text(task),
            }
        )

    def info(self, task: Task) -> None:
        self._record(task)
        self.inner.info(task)

    def error(self, task: Task) -> None:
        self._record(task)
        self.inner.error(task)

    def warning(self, task: Task) -> None:
        self._record(task)
        self.inner.warning(task)

    def debug(self, task: Task) -> None:
        self._record(task)
        self.inner.debug(task)
