"""Which OpenTelemetry providers the adapters use, configured the OpenTelemetry way.

For each signal (traces, metrics, logs):

1. The application set a global provider (``trace.set_tracer_provider(...)``, the
   ``opentelemetry-instrument`` agent, ...): the adapters use it, and dotflow configures nothing.
2. Otherwise, when the SDK and the OTLP/HTTP exporter are installed (``dotflow-otel[export]``),
   dotflow builds an SDK provider, sets it as the global one (so the application's own spans and
   a later ``trace.get_tracer_provider()`` share it), and adds an OTLP/HTTP exporter when an
   endpoint variable is set (``OTEL_EXPORTER_OTLP_ENDPOINT`` or the signal's own
   ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` ...) and ``OTEL_TRACES_EXPORTER`` (``_METRICS_``,
   ``_LOGS_``) is not ``none``. The exporter reads every other standard variable itself (headers,
   timeout, compression, certificates); ``OTEL_SERVICE_NAME`` / ``OTEL_RESOURCE_ATTRIBUTES`` make
   the resource, and batching follows ``OTEL_BSP_*`` / ``OTEL_BLRP_*`` /
   ``OTEL_METRIC_EXPORT_INTERVAL``. ``OTEL_SDK_DISABLED=true`` turns all of this off.
3. Otherwise the API's global proxy: nothing is recorded until the application sets a provider.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from typing import Any

from opentelemetry import _logs, metrics, trace

__all__ = [
    "endpoint_configured",
    "export_available",
    "logger_provider",
    "meter_provider",
    "tracer_provider",
]

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_warned: set[str] = set()
_PROXIES = {"ProxyTracerProvider", "_ProxyMeterProvider", "ProxyLoggerProvider"}
_DEFAULT_SERVICE = "dotflow"
_SIGNAL_ENV = {"traces": "TRACES", "metrics": "METRICS", "logs": "LOGS"}
_PATHS = {"traces": "v1/traces", "metrics": "v1/metrics", "logs": "v1/logs"}


def export_available() -> bool:
    """``True`` when the SDK and the OTLP/HTTP exporter (``dotflow-otel[export]``) are installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("opentelemetry.sdk", "opentelemetry.exporter.otlp.proto.http")
    )


def endpoint_configured(signal: str | None = None) -> str | None:
    """The OTLP endpoint the variables set for ``signal`` (any when ``None``), or ``None``."""
    signals = [signal] if signal else list(_SIGNAL_ENV)
    for name in signals:
        own = os.environ.get(f"OTEL_EXPORTER_OTLP_{_SIGNAL_ENV[name]}_ENDPOINT", "").strip()
        if own:
            return own
        base = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip()
        if base:
            return f"{base.rstrip('/')}/{_PATHS[name]}"
    return None


def _unset(provider: object) -> bool:
    return type(provider).__name__ in _PROXIES


def _disabled() -> bool:
    return os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"


def _exporter_wanted(signal: str) -> str | None:
    """The endpoint to export ``signal`` to, or ``None`` when no exporter is wanted."""
    choice = os.environ.get(f"OTEL_{_SIGNAL_ENV[signal]}_EXPORTER", "otlp").strip().lower()
    if "otlp" not in {part.strip() for part in choice.split(",")}:
        return None
    return endpoint_configured(signal)


def _warn_once(key: str, message: str, *args: Any) -> None:
    if key not in _warned:
        _warned.add(key)
        logger.warning(message, *args)


def _resource(service_name: str | None) -> Any:
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource

    if service_name is None:
        from_env = os.environ.get("OTEL_SERVICE_NAME", "").strip() or (
            "service.name=" in os.environ.get("OTEL_RESOURCE_ATTRIBUTES", "")
        )
        return Resource.create({} if from_env else {SERVICE_NAME: _DEFAULT_SERVICE})
    return Resource.create({SERVICE_NAME: service_name})


def _can_configure(signal: str) -> bool:
    if _disabled():
        return False
    if export_available():
        return True
    if endpoint_configured(signal):
        _warn_once(
            "sdk",
            "dotflow-otel: an OTLP endpoint is set but the OpenTelemetry SDK is not installed, so "
            "nothing is exported: pip install 'dotflow-otel[export]' (or configure a provider)",
        )
    return False


def tracer_provider(service_name: str | None = None) -> trace.TracerProvider:
    """The tracer provider to use (see the module docstring)."""
    with _lock:
        current = trace.get_tracer_provider()
        if not _unset(current) or not _can_configure("traces"):
            return current
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider = TracerProvider(resource=_resource(service_name))
        endpoint = _exporter_wanted("traces")
        if endpoint:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            from dotflow.otel._guard import GuardedSpanExporter, quiet_otlp

            quiet_otlp()
            provider.add_span_processor(
                BatchSpanProcessor(GuardedSpanExporter(OTLPSpanExporter(endpoint), endpoint))
            )
        trace.set_tracer_provider(provider)
        return provider


def meter_provider(service_name: str | None = None) -> metrics.MeterProvider:
    """The meter provider to use (see the module docstring)."""
    with _lock:
        current = metrics.get_meter_provider()
        if not _unset(current) or not _can_configure("metrics"):
            return current
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader

        readers: list[MetricReader] = []
        endpoint = _exporter_wanted("metrics")
        if endpoint:
            from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

            from dotflow.otel._guard import GuardedMetricExporter, quiet_otlp

            quiet_otlp()
            exporter = GuardedMetricExporter(OTLPMetricExporter(endpoint), endpoint)
            readers.append(PeriodicExportingMetricReader(exporter))
        provider = MeterProvider(resource=_resource(service_name), metric_readers=readers)
        metrics.set_meter_provider(provider)
        return provider


def logger_provider(service_name: str | None = None) -> _logs.LoggerProvider:
    """The logger provider to use (see the module docstring)."""
    with _lock:
        current = _logs.get_logger_provider()
        if not _unset(current) or not _can_configure("logs"):
            return current
        from opentelemetry.sdk._logs import LoggerProvider
        from opentelemetry.sdk._logs.export import BatchLogRecordProcessor

        provider = LoggerProvider(resource=_resource(service_name))
        endpoint = _exporter_wanted("logs")
        if endpoint:
            from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter

            from dotflow.otel._guard import GuardedLogExporter, quiet_otlp

            quiet_otlp()
            provider.add_log_record_processor(
                BatchLogRecordProcessor(GuardedLogExporter(OTLPLogExporter(endpoint), endpoint))
            )
        _logs.set_logger_provider(provider)
        return provider
