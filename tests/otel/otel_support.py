"""What the otel tests share besides fixtures: SDK providers exporting to a receiver, span lookup.

A module of its own, not conftest: other test folders have a conftest too, so
``from conftest import ...`` finds whichever was imported first.
"""

from __future__ import annotations

from typing import Any


class Providers:
    """SDK tracer, meter and logger providers exporting to ``receiver`` over OTLP/HTTP."""

    def __init__(self, url: str) -> None:
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk._logs import LoggerProvider
        from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        resource = Resource.create({"service.name": "otel-tests"})
        self.tracer = TracerProvider(resource=resource, shutdown_on_exit=False)
        self.tracer.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(f"{url}/v1/traces")))
        reader = PeriodicExportingMetricReader(
            OTLPMetricExporter(f"{url}/v1/metrics"), export_interval_millis=3_600_000
        )
        self.meter = MeterProvider(
            resource=resource, metric_readers=[reader], shutdown_on_exit=False
        )
        self.logger = LoggerProvider(resource=resource, shutdown_on_exit=False)
        self.logger.add_log_record_processor(
            BatchLogRecordProcessor(OTLPLogExporter(f"{url}/v1/logs"))
        )

    def flush(self) -> None:
        """Export everything recorded so far (synchronously)."""
        assert self.tracer.force_flush()
        assert self.meter.force_flush()
        assert self.logger.force_flush()

    def shutdown(self) -> None:
        self.tracer.shutdown()
        self.meter.shutdown()
        self.logger.shutdown()


def by_name(spans: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [span for span in spans if span["name"] == name]
