"""The default log: the standard library's ``logging``, logger ``dotflow``.

The library installs no handler on its own: records go wherever the application's logging sends
them. Ask for an output (``output="console"`` or ``"file"``, ``format="json"``) to get one.
"""

from __future__ import annotations

import json
import logging
import os
from typing import TYPE_CHECKING, Any

from dotflow.abc.log import Log

if TYPE_CHECKING:
    from dotflow.core.task import Task

__all__ = ["LogDefault"]

_OUTPUTS = (None, "console", "file")
_FORMATS = ("text", "json")
_HANDLER_NAME = "dotflow.LogDefault"  # marks the handler LogDefault installed, to replace it later


class _JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "message": record.getMessage(),
        }
        document.update(getattr(record, "dotflow", {}))
        return json.dumps(document, ensure_ascii=False, default=str)


class LogDefault(Log):
    """Logs every task status change to the ``dotflow`` logger.

    Args:
        level: the logger's level (``"INFO"``, ``"WARNING"``, ...); unchanged when ``None``.
        output: ``None`` (no handler: the application decides), ``"console"`` (stderr) or
            ``"file"`` (``path``).
        path: the log file for ``output="file"``.
        format: ``"text"`` or ``"json"`` (one JSON object per line) for the handler.
    """

    def __init__(
        self,
        level: str | int | None = None,
        output: str | None = None,
        path: str | os.PathLike[str] = "dotflow.log",
        format: str = "text",
    ) -> None:
        if output not in _OUTPUTS:
            msg = f"LogDefault(output={output!r}): use None, 'console' or 'file'"
            raise ValueError(msg)
        if format not in _FORMATS:
            msg = f"LogDefault(format={format!r}): use 'text' or 'json'"
            raise ValueError(msg)
        self.logger = logging.getLogger("dotflow")
        if level is not None:
            self.logger.setLevel(level.upper() if isinstance(level, str) else level)
        if output is not None:
            self._install(output, path, format)

    def _install(self, output: str, path: str | os.PathLike[str], format: str) -> None:
        handler: logging.Handler
        if output == "console":
            handler = logging.StreamHandler()
        else:
            handler = logging.FileHandler(path, encoding="utf-8")
        if format == "json":
            handler.setFormatter(_JSONFormatter())
        else:
            handler.setFormatter(
                logging.Formatter("%(asctime)s %(levelname)s [dotflow]: %(message)s")
            )
        handler.set_name(_HANDLER_NAME)
        for old in [h for h in self.logger.handlers if h.get_name() == _HANDLER_NAME]:
            self.logger.removeHandler(old)
            old.close()
        self.logger.addHandler(handler)

    def _log(self, level: int, task: Task) -> None:
        if not self.logger.isEnabledFor(level):
            return
        fields = {
            "workflow_id": task.workflow_id,
            "task_id": task.task_id,
            "step": task.step_name,
            "status": task.status.value,
            "duration": task.duration,
        }
        message = "ID %s - %s - %s"
        args: list[Any] = [task.workflow_id, task.task_id, task.status.value]
        if task.errors and level >= logging.WARNING:
            last = task.errors[-1]
            fields["error"] = f"{last.exception}: {last.message}"
            message += " - %s"
            args.append(fields["error"])
        self.logger.log(level, message, *args, extra={"dotflow": fields})

    def info(self, task: Task) -> None:
        self._log(logging.INFO, task)

    def error(self, task: Task) -> None:
        self._log(logging.ERROR, task)

    def warning(self, task: Task) -> None:
        self._log(logging.WARNING, task)

    def debug(self, task: Task) -> None:
        self._log(logging.DEBUG, task)
