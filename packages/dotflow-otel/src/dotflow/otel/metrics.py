"""MetricsOpenTelemetry: counters, durations and running tasks of workflow runs."""

from __future__ import annotations

import threading
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from opentelemetry import metrics

from dotflow.abc import Metrics
from dotflow.otel import attributes as attr
from dotflow.otel import export
from dotflow.otel._steps import StepInfo, step_info

if TYPE_CHECKING:
    from dotflow import Task

__all__ = ["INSTRUMENTS", "MetricsOpenTelemetry"]

#: The instruments, by name: (kind, unit, description).
INSTRUMENTS = {
    "dotflow.workflows": ("counter", "{workflow}", "Workflow runs that ended, by final status"),
    "dotflow.workflow.duration": ("histogram", "s", "Duration of workflow runs"),
    "dotflow.workflows.running": ("up_down_counter", "{workflow}", "Workflow runs in progress"),
    "dotflow.tasks": ("counter", "{task}", "Tasks that ended, by step and final status"),
    "dotflow.task.duration": ("histogram", "s", "Duration of tasks, every attempt included"),
    "dotflow.task.retries": ("counter", "{retry}", "Retried attempts of tasks, by step"),
    "dotflow.tasks.running": ("up_down_counter", "{task}", "Tasks in progress, by step"),
}

Attributes = dict[str, str]


class MetricsOpenTelemetry(Metrics):
    """Records workflow and task metrics with OpenTelemetry instruments (see ``INSTRUMENTS``).

    Points carry ``dotflow.workflow.mode`` / ``dotflow.workflow.status`` (workflows) and
    ``dotflow.task.step`` / ``dotflow.task.status`` (tasks); never a workflow id, which would
    make one time series per run.

    Args:
        service_name: ``service.name`` of the provider dotflow builds when the application set
            none (default: ``OTEL_SERVICE_NAME``, else ``"dotflow"``).
        meter_provider: the provider to use instead of the global one.
    """

    def __init__(
        self,
        service_name: str | None = None,
        meter_provider: metrics.MeterProvider | None = None,
    ) -> None:
        provider = meter_provider or export.meter_provider(service_name)
        meter = provider.get_meter("dotflow.otel", version("dotflow-otel"))
        made: dict[str, Any] = {}
        for name, (kind, unit, description) in INSTRUMENTS.items():
            made[name] = getattr(meter, f"create_{kind}")(name, unit=unit, description=description)
        self._workflows = made["dotflow.workflows"]
        self._workflow_duration = made["dotflow.workflow.duration"]
        self._workflows_running = made["dotflow.workflows.running"]
        self._tasks = made["dotflow.tasks"]
        self._task_duration = made["dotflow.task.duration"]
        self._task_retries = made["dotflow.task.retries"]
        self._tasks_running = made["dotflow.tasks.running"]
        self._modes: dict[str, list[str]] = {}  # workflow id -> modes of its runs in progress
        self._running: dict[Task, StepInfo] = {}
        self._attributes: dict[tuple[str, ...], Attributes] = {}  # built once per combination
        self._lock = threading.Lock()

    def _cached(self, *pairs: str) -> Attributes:
        found = self._attributes.get(pairs)
        if found is None:
            found = self._attributes[pairs] = dict(zip(pairs[::2], pairs[1::2], strict=True))
        return found

    def workflow_started(self, workflow_id: str, mode: str = "sequential", **_: Any) -> None:
        with self._lock:
            self._modes.setdefault(str(workflow_id), []).append(str(mode))
        self._workflows_running.add(1, self._cached(attr.WORKFLOW_MODE, str(mode)))

    def _workflow_ended(self, workflow_id: str, duration: float, status: str) -> None:
        with self._lock:
            modes = self._modes.get(str(workflow_id))
            mode = modes.pop() if modes else None
            if modes is not None and not modes:
                del self._modes[str(workflow_id)]
        if mode is None:  # never started here: count it, but it was not counted as running
            mode = "unknown"
        else:
            self._workflows_running.add(-1, self._cached(attr.WORKFLOW_MODE, mode))
        points = self._cached(attr.WORKFLOW_MODE, mode, attr.WORKFLOW_STATUS, status)
        self._workflows.add(1, points)
        self._workflow_duration.record(duration, points)

    def workflow_completed(self, workflow_id: str, duration: float) -> None:
        self._workflow_ended(workflow_id, duration, "Completed")

    def workflow_failed(self, workflow_id: str, duration: float) -> None:
        self._workflow_ended(workflow_id, duration, "Failed")

    def task_started(self, task: Task) -> None:
        info = step_info(task)
        self._running[task] = info
        self._tasks_running.add(1, info.running)

    def task_retried(self, task: Task) -> None:
        self._task_retries.add(1, step_info(task).running)

    def _task_ended(self, task: Task, failed: bool) -> None:
        info = self._running.pop(task, None)
        if info is None:  # not started here: counted, but it was not counted as running
            info = step_info(task)
        else:
            self._tasks_running.add(-1, info.running)
        points = info.failed if failed else info.completed
        self._tasks.add(1, points)
        if task.duration is not None:
            self._task_duration.record(task.duration, points)

    def task_completed(self, task: Task) -> None:
        self._task_ended(task, False)

    def task_failed(self, task: Task) -> None:
        self._task_ended(task, True)
