"""LogOpenTelemetry: every task status change as an OpenTelemetry log record."""

from __future__ import annotations

import logging
import os
import time
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from opentelemetry._logs import LoggerProvider, LogRecord, SeverityNumber

from dotflow.abc import Log
from dotflow.otel import attributes as attr
from dotflow.otel import export
from dotflow.otel.tracer import span_context_of

if TYPE_CHECKING:
    from dotflow import Task

__all__ = ["LogOpenTelemetry"]

_SEVERITIES = {
    logging.DEBUG: (SeverityNumber.DEBUG, "DEBUG"),
    logging.INFO: (SeverityNumber.INFO, "INFO"),
    logging.WARNING: (SeverityNumber.WARN, "WARN"),
    logging.ERROR: (SeverityNumber.ERROR, "ERROR"),
}
_LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARNING": logging.WARNING}
_LEVELS |= {"WARN": logging.WARNING, "ERROR": logging.ERROR}
_OUTPUTS = (None, "console", "file")
_FORMATS = {"text": "text", "simple": "text", "json": "json"}


class LogOpenTelemetry(Log):
    """Emits a log record per task status change through the OpenTelemetry Logs API.

    Records carry the body ``ID <workflow> - <task> - <status>`` (and the error of a failed
    attempt), the ``dotflow.*`` attributes, ``exception.*`` attributes for errors, and the trace
    context of the task's attempt span when a :class:`TracerOpenTelemetry` traces the run, so a
    backend links each record to its span.

    Args:
        service_name: ``service.name`` of the provider dotflow builds when the application set
            none (default: ``OTEL_SERVICE_NAME``, else ``"dotflow"``).
        level: the lowest level emitted: ``"DEBUG"``, ``"INFO"`` (default), ``"WARNING"``
            (retries and failures) or ``"ERROR"`` (failures).
        output: also write the records locally through core's ``LogDefault``: ``"console"``
            or ``"file"`` (``path``); ``None`` (default) sends them to OpenTelemetry only.
        path: the file for ``output="file"``.
        format: ``"text"`` (``"simple"``, dotflow 1.0.1's name) or ``"json"`` for ``output``.
        logger_provider: the provider to use instead of the global one.
    """

    def __init__(
        self,
        service_name: str | None = None,
        level: str = "INFO",
        output: str | None = None,
        path: str | os.PathLike[str] = "dotflow.log",
        format: str = "text",
        logger_provider: LoggerProvider | None = None,
    ) -> None:
        if str(level).upper() not in _LEVELS:
            msg = f"LogOpenTelemetry(level={level!r}): use one of {', '.join(_LEVELS)}"
            raise ValueError(msg)
        if output not in _OUTPUTS:
            msg = f"LogOpenTelemetry(output={output!r}): use None, 'console' or 'file'"
            raise ValueError(msg)
        if format not in _FORMATS:
            msg = f"LogOpenTelemetry(format={format!r}): use 'text' or 'json'"
            raise ValueError(msg)
        self._level = _LEVELS[str(level).upper()]
        provider = logger_provider or export.logger_provider(service_name)
        self._logger = provider.get_logger("dotflow.otel", version("dotflow-otel"))
        self._local: Log | None = None
        if output is not None:
            from dotflow.providers import LogDefault

            self._local = LogDefault(
                level=self._level, output=output, path=path, format=_FORMATS[format]
            )

    def _emit(self, level: int, task: Task) -> None:
        if self._local is not None:
            getattr(self._local, logging.getLevelName(level).lower())(task)
        if level < self._level:
            return
        status = task.status.value
        attributes: dict[str, Any] = {
            attr.WORKFLOW_ID: task.workflow_id,
            attr.TASK_ID: task.task_id,
            attr.TASK_STEP: task.step_name,
            attr.TASK_GROUP: task.group_name,
            attr.TASK_STATUS: status,
            attr.TASK_RETRY_COUNT: task.retry_count,
        }
        body = f"ID {task.workflow_id} - {task.task_id} - {status}"
        if task.errors and level >= logging.WARNING:
            last = task.errors[-1]
            attributes["exception.type"] = last.exception
            attributes["exception.message"] = last.message
            if last.traceback:
                attributes["exception.stacktrace"] = last.traceback
            body += f" - {last.exception}: {last.message}"
        number, text = _SEVERITIES[level]
        self._logger.emit(
            LogRecord(
                timestamp=time.time_ns(),
                context=span_context_of(task),
                severity_number=number,
                severity_text=text,
                body=body,
                attributes=attributes,
            )
        )

    def info(self, task: Task) -> None:
        self._emit(logging.INFO, task)

    def error(self, task: Task) -> None:
        self._emit(logging.ERROR, task)

    def warning(self, task: Task) -> None:
        self._emit(logging.WARNING, task)

    def debug(self, task: Task) -> None:
        self._emit(logging.DEBUG, task)
