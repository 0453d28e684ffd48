"""OpenTelemetry traces, metrics and logs for dotflow workflows (``pip install dotflow-otel``)."""

from dotflow.otel.log import LogOpenTelemetry
from dotflow.otel.metrics import MetricsOpenTelemetry
from dotflow.otel.tracer import TracerOpenTelemetry

__all__ = ["LogOpenTelemetry", "MetricsOpenTelemetry", "TracerOpenTelemetry"]
