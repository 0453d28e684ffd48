"""TracerOpenTelemetry: a span per workflow run, a child span per task attempt."""

from __future__ import annotations

import threading
import time
import weakref
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from dotflow.abc import Tracer
from dotflow.otel import attributes as attr
from dotflow.otel import export
from dotflow.otel._steps import step_info

if TYPE_CHECKING:
    from contextvars import Token

    from opentelemetry.context import Context as OtelContext
    from opentelemetry.trace import Span

    from dotflow import Task, TaskError

__all__ = ["TracerOpenTelemetry", "span_context_of"]

_INTERNAL = SpanKind.INTERNAL
# Modes whose tasks run their step in the thread that starts and ends them: there the attempt's
# span is made current while the step runs, so spans the step makes are its children.
_INLINE_MODES = frozenset({"sequential", "sequential_group", "background"})
_FAILED = "Failed"
_RETRY = "Retry"


#: Every live tracer, so log records can carry the trace context of their task's span.
_TRACERS: weakref.WeakSet[TracerOpenTelemetry] = weakref.WeakSet()


def span_context_of(task: Task) -> OtelContext | None:
    """The context of ``task``'s current attempt span (else its run's span), if one is open."""
    for tracer in list(_TRACERS):
        attempts = tracer._tasks.get(task)
        if attempts is not None:
            return trace.set_span_in_context(attempts.spans[-1])
        context = tracer._context(task.workflow_id)
        if context is not None:
            return context
    return None


class _Run:
    """The span of one workflow run and the context its task spans are started in."""

    __slots__ = ("context", "inline", "span")

    def __init__(self, span: Span, inline: bool) -> None:
        self.span = span
        self.context: OtelContext = trace.set_span_in_context(span)
        self.inline = inline


class _Attempts:
    """The open attempt spans of one task, and when each superseded attempt ended."""

    __slots__ = ("context", "ends", "spans", "token")

    def __init__(self, span: Span, context: OtelContext | None, inline: bool) -> None:
        self.spans = [span]
        self.ends: list[int] = []
        self.context = context
        self.token: Token[OtelContext] | None = None
        if inline:
            self.token = otel_context.attach(trace.set_span_in_context(span))

    def current(self, span: Span) -> None:
        """Make ``span`` (the next attempt's) current instead of the previous attempt's."""
        if self.token is not None:
            otel_context.detach(self.token)
            self.token = otel_context.attach(trace.set_span_in_context(span))


class TracerOpenTelemetry(Tracer):
    """Traces workflow runs as OpenTelemetry spans.

    A run is one span (``dotflow workflow``) whose parent is the span current in the thread
    that called ``start()``; every attempt of a task is a child span (``task <step>``), so
    retries show as sibling spans, each failed one with an ``exception`` event and status
    ERROR. Attempt spans are ended once the task's outcome is known (with the time each attempt
    ended), because the errors of a worker process arrive with the outcome.

    Args:
        service_name: ``service.name`` of the provider dotflow builds when the application set
            none (default: ``OTEL_SERVICE_NAME``, else ``"dotflow"``); ignored when the
            application configured a tracer provider.
        tracer_provider: the provider to use instead of the global one.
    """

    def __init__(
        self,
        service_name: str | None = None,
        tracer_provider: trace.TracerProvider | None = None,
    ) -> None:
        provider = tracer_provider or export.tracer_provider(service_name)
        self._tracer = provider.get_tracer("dotflow.otel", version("dotflow-otel"))
        self._runs: dict[str, list[_Run]] = {}
        self._tasks: dict[Task, _Attempts] = {}
        self._lock = threading.Lock()
        _TRACERS.add(self)

    def start_workflow(self, workflow_id: str, mode: str, tasks_count: int, **_: Any) -> None:
        span = self._tracer.start_span(
            "dotflow workflow",
            kind=_INTERNAL,
            attributes={
                attr.WORKFLOW_ID: str(workflow_id),
                attr.WORKFLOW_MODE: str(mode),
                attr.WORKFLOW_TASKS_COUNT: tasks_count,
            },
        )
        with self._lock:
            self._runs.setdefault(str(workflow_id), []).append(_Run(span, mode in _INLINE_MODES))

    def end_workflow(self, workflow_id: str, duration: float, failed: bool, **_: Any) -> None:
        with self._lock:
            runs = self._runs.get(str(workflow_id))
            if not runs:
                return
            run = runs.pop()
            if not runs:
                del self._runs[str(workflow_id)]
        span = run.span
        span.set_attribute(attr.WORKFLOW_STATUS, _FAILED if failed else "Completed")
        if failed:
            span.set_status(Status(StatusCode.ERROR, "a task failed"))
        span.end()

    def _run(self, workflow_id: str) -> _Run | None:
        runs = self._runs.get(workflow_id)
        try:
            return runs[-1] if runs else None
        except IndexError:  # the run ended in another thread meanwhile
            return None

    def _context(self, workflow_id: str) -> OtelContext | None:
        run = self._run(workflow_id)
        return None if run is None else run.context

    def _start_attempt(
        self, task: Task, attempt: int, context: OtelContext | None, start: int | None
    ) -> Span:
        info = step_info(task)
        return self._tracer.start_span(
            info.span_name,
            context=context,
            kind=_INTERNAL,
            start_time=start,
            attributes={
                attr.WORKFLOW_ID: task.workflow_id,
                attr.TASK_ID: task.task_id,
                attr.TASK_STEP: info.name,
                attr.TASK_GROUP: task.group_name,
                attr.TASK_ATTEMPT: attempt,
            },
        )

    def start_task(self, task: Task) -> None:
        run = self._run(task.workflow_id)
        context, inline = (None, False) if run is None else (run.context, run.inline)
        self._tasks[task] = _Attempts(self._start_attempt(task, 1, context, None), context, inline)

    def retry_task(self, task: Task) -> None:
        attempts = self._tasks.get(task)
        if attempts is None:
            return
        now = time.time_ns()
        attempts.ends.append(now)
        span = self._start_attempt(task, len(attempts.spans) + 1, attempts.context, now)
        attempts.spans.append(span)
        attempts.current(span)

    def end_task(self, task: Task) -> None:
        attempts = self._tasks.pop(task, None)
        if attempts is None:
            return
        if attempts.token is not None:
            otel_context.detach(attempts.token)
        spans = attempts.spans
        status = str(task.status)  # a StrEnum: its str is its value
        if len(spans) == 1 and status != _FAILED:  # the common case: one successful attempt
            spans[0].set_attributes(
                {attr.TASK_STATUS: status, attr.TASK_RETRY_COUNT: task.retry_count}
            )
            spans[0].end()
            return
        end = time.time_ns()
        ends, errors = attempts.ends, task.errors
        last = len(spans) - 1
        for index, span in enumerate(spans):
            final = index == last
            end_time = end if final else ends[index]
            if final:
                span.set_attributes(
                    {attr.TASK_STATUS: status, attr.TASK_RETRY_COUNT: task.retry_count}
                )
                error = (
                    (errors[index] if index < len(errors) else errors[-1])
                    if status == _FAILED and errors
                    else None
                )
                failed = status == _FAILED
            else:
                span.set_attributes({attr.TASK_STATUS: _RETRY, attr.TASK_RETRY_COUNT: index})
                error = errors[index] if index < len(errors) else None
                failed = True
            if failed:
                _record_failure(span, error, end_time)
            span.end(end_time)


def _record_failure(span: Span, error: TaskError | None, when: int) -> None:
    if error is None:
        span.set_status(Status(StatusCode.ERROR, "the attempt failed"))
        return
    span.add_event(
        "exception",
        {
            "exception.type": error.exception,
            "exception.message": error.message,
            "exception.stacktrace": error.traceback,
        },
        timestamp=when,
    )
    span.set_status(Status(StatusCode.ERROR, f"{error.exception}: {error.message}"))
