"""Exporters that report a failing receiver once and never stall a run or the exit behind it.

dotflow wraps the OTLP exporters it builds itself (never the application's) in these. The first
failed export logs one warning on ``dotflow.otel`` naming the endpoint; while the receiver stays
unreachable, batches are dropped at once for ``_COOL_DOWN`` seconds instead of going through the
exporter's retries again, so a dead receiver costs neither a retry storm nor a slow exit. The
OTLP exporter's own per-retry warnings for these exporters are dropped by a filter: the promise
is one line per signal, not one per batch and retry.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from opentelemetry.sdk._logs.export import LogRecordExporter, LogRecordExportResult
from opentelemetry.sdk.metrics.export import MetricExporter, MetricExportResult, MetricsData
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

__all__ = ["GuardedLogExporter", "GuardedMetricExporter", "GuardedSpanExporter", "quiet_otlp"]

logger = logging.getLogger(__name__)

#: Seconds during which batches are dropped after a failed export, before the next try.
_COOL_DOWN = 30.0

# The OTLP/HTTP exporters' loggers, and the start of the messages they log for each failed try.
_OTLP_LOGGERS = (
    "opentelemetry.exporter.otlp.proto.http.trace_exporter",
    "opentelemetry.exporter.otlp.proto.http.metric_exporter",
    "opentelemetry.exporter.otlp.proto.http._log_exporter",
    "opentelemetry.exporter.otlp.common.http",
)
_RETRY_MESSAGES = ("Transient error", "Failed to export", "Shutdown in progress")

R = TypeVar("R")


class _RetryNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_RETRY_MESSAGES)


_NOISE = _RetryNoise()
_quiet_lock = threading.Lock()
# Receivers (scheme://host:port) a failure was reported for: one line for all three signals.
_reported: set[str] = set()


def quiet_otlp() -> None:
    """Drop the OTLP exporters' per-retry failure messages (dotflow logs one line instead)."""
    with _quiet_lock:
        for name in _OTLP_LOGGERS:
            otlp_logger = logging.getLogger(name)
            if _NOISE not in otlp_logger.filters:
                otlp_logger.addFilter(_NOISE)


class _Guard:
    """The state of one exporter: whether it is failing, and until when batches are dropped."""

    def __init__(self, signal: str, endpoint: str) -> None:
        self.signal = signal
        self.endpoint = endpoint
        self.receiver = "/".join(endpoint.split("/")[:3])
        self.down_until = 0.0
        self.dropped = 0

    def run(self, export: Callable[[], R], success: R, failure: R, size: int) -> R:
        if self.down_until and time.monotonic() < self.down_until:
            self.dropped += size
            return failure
        try:
            result = export()
        except Exception as error:  # an exporter must not raise; if one does, it is a failure
            result, reason = failure, f"{type(error).__name__}: {error}"
        else:
            reason = "the receiver did not accept it"
        # By name: an exporter may answer with an older (deprecated) enum of the same shape.
        if getattr(result, "name", None) == "SUCCESS":
            if self.down_until:
                logger.warning(
                    "dotflow-otel: exporting %s to %s works again (%d dropped meanwhile)",
                    self.signal,
                    self.endpoint,
                    self.dropped,
                )
                self.down_until, self.dropped = 0.0, 0
                _reported.discard(self.receiver)
            return result
        self.down_until = time.monotonic() + _COOL_DOWN
        self.dropped += size
        with _quiet_lock:
            first = self.receiver not in _reported
            _reported.add(self.receiver)
        if first:
            logger.warning(
                "dotflow-otel: could not export %s to %s (%s); workflows go on, and telemetry "
                "is dropped while the receiver is unreachable (no further message until it "
                "answers)",
                self.signal,
                self.endpoint,
                reason,
            )
        return result


class GuardedSpanExporter(SpanExporter):
    """A span exporter that reports failures once (see the module docstring)."""

    def __init__(self, inner: SpanExporter, endpoint: str) -> None:
        self.inner = inner
        self._guard = _Guard("spans", endpoint)

    def export(self, spans: Sequence[Any]) -> SpanExportResult:
        return self._guard.run(
            lambda: self.inner.export(spans),
            SpanExportResult.SUCCESS,
            SpanExportResult.FAILURE,
            len(spans),
        )

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


class GuardedMetricExporter(MetricExporter):
    """A metric exporter that reports failures once (see the module docstring)."""

    def __init__(self, inner: MetricExporter, endpoint: str) -> None:
        super().__init__(
            preferred_temporality=inner._preferred_temporality,
            preferred_aggregation=inner._preferred_aggregation,
        )
        self.inner = inner
        self._guard = _Guard("metrics", endpoint)

    def export(
        self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any
    ) -> MetricExportResult:
        return self._guard.run(
            lambda: self.inner.export(metrics_data, timeout_millis=timeout_millis, **kwargs),
            MetricExportResult.SUCCESS,
            MetricExportResult.FAILURE,
            len(metrics_data.resource_metrics),
        )

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        return self.inner.force_flush(timeout_millis)

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        self.inner.shutdown(timeout_millis=timeout_millis, **kwargs)


class GuardedLogExporter(LogRecordExporter):
    """A log record exporter that reports failures once (see the module docstring)."""

    def __init__(self, inner: LogRecordExporter, endpoint: str) -> None:
        self.inner = inner
        self._guard = _Guard("log records", endpoint)

    def export(self, batch: Sequence[Any]) -> LogRecordExportResult:
        return self._guard.run(
            lambda: self.inner.export(batch),
            LogRecordExportResult.SUCCESS,
            LogRecordExportResult.FAILURE,
            len(batch),
        )

    def shutdown(self) -> None:
        self.inner.shutdown()  # type: ignore[no-untyped-call]  # unannotated in the SDK

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)
