"""The shared Tracer and Metrics contracts, run against the OpenTelemetry adapters."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from otel_support import Providers

from dotflow.otel import MetricsOpenTelemetry, TracerOpenTelemetry
from dotflow.testing import MetricsContract, TracerContract


class TestTracerOpenTelemetry(TracerContract):
    @pytest.fixture(autouse=True)
    def _providers(self, providers: Providers) -> Iterator[None]:
        self.providers = providers
        yield

    def make_tracer(self) -> TracerOpenTelemetry:
        return TracerOpenTelemetry(tracer_provider=self.providers.tracer)


class TestMetricsOpenTelemetry(MetricsContract):
    @pytest.fixture(autouse=True)
    def _providers(self, providers: Providers) -> Iterator[None]:
        self.providers = providers
        yield

    def make_metrics(self) -> MetricsOpenTelemetry:
        return MetricsOpenTelemetry(meter_provider=self.providers.meter)
