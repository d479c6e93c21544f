"""OpenTelemetry set-up: traces and metrics, exported over OTLP only when configured."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass

from opentelemetry import metrics, trace
from opentelemetry.context import Context
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_propagator = TraceContextTextMapPropagator()


@dataclass(frozen=True, slots=True)
class Telemetry:
    tracer_provider: TracerProvider
    meter_provider: metrics.MeterProvider

    def tracer(self, name: str) -> trace.Tracer:
        return self.tracer_provider.get_tracer(name)

    def shutdown(self) -> None:
        self.tracer_provider.shutdown()
        if isinstance(self.meter_provider, MeterProvider):
            self.meter_provider.shutdown()


def setup_telemetry(
    service_name: str,
    *,
    otlp_endpoint: str = "",
    span_exporter: SpanExporter | None = None,
    metric_reader: MetricReader | None = None,
    service_version: str = "0.1.0",
    environment: str = "development",
) -> Telemetry:
    """Providers for one process. With no endpoint and no exporter, spans are created (trace ids
    still flow through logs and Kafka headers) but nothing is exported."""
    resource = Resource.create(
        {
            "service.name": service_name,
            "service.version": service_version,
            "service.instance.id": f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}",
            "deployment.environment.name": environment,
        }
    )
    tracer_provider = TracerProvider(resource=resource)
    readers: list[MetricReader] = []
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

        endpoint = otlp_endpoint.rstrip("/")
        tracer_provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces"))
        )
        readers.append(
            PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=f"{endpoint}/v1/metrics"))
        )
    if span_exporter is not None:
        tracer_provider.add_span_processor(BatchSpanProcessor(span_exporter))
    if metric_reader is not None:
        readers.append(metric_reader)
    # Metrics nobody reads are not recorded (the HTTP middleware measures every request).
    meter_provider = (
        MeterProvider(resource=resource, metric_readers=readers)
        if readers
        else metrics.NoOpMeterProvider()
    )
    return Telemetry(tracer_provider, meter_provider)


def current_trace_headers() -> dict[str, str]:
    """The W3C `traceparent` (and `tracestate`) of the active span, for storing with an event."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier


def inject_headers(carrier: MutableMapping[str, str], context: Context | None = None) -> None:
    _propagator.inject(carrier, context=context)


def extract_context(headers: Mapping[str, str]) -> Context:
    return _propagator.extract(dict(headers))
