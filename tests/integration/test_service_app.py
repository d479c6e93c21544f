"""The app factory in-process: lifespan against the real stack, problem details for errors."""

from __future__ import annotations

import asyncio

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from b4g.core.infra.http_tracing import DURATION_BUCKETS
from b4g.registry.app import service_spec
from b4g.registry.settings import RegistrySettings
from tests.support.apps import service_client

pytestmark = pytest.mark.integration


async def test_lifespan_migrates_and_serves(stack, prefix):
    async with service_client(service_spec(), RegistrySettings, stack, prefix) as client:
        ready = await client.get("/ready")
        assert ready.status_code == 200, ready.text
        wrong = await client.post("/health")
        assert wrong.status_code == 405
        assert wrong.headers["content-type"].startswith("application/problem+json")
        assert wrong.json()["code"] == "method_not_allowed"


async def test_requests_are_measured_by_route_and_status(stack, prefix):
    reader = InMemoryMetricReader()
    async with service_client(
        service_spec(), RegistrySettings, stack, prefix, metric_reader=reader
    ) as client:
        assert (await client.get("/ready")).status_code == 200  # probes are not measured
        for _ in range(3):
            assert (await client.get("/trust/did:key:z6MkUnknown")).status_code == 404
        data = reader.get_metrics_data()
    points = [
        point
        for resource in data.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
        if metric.name == "http.server.request.duration"
        for point in metric.data.data_points
    ]
    assert [(dict(p.attributes), p.count) for p in points] == [
        (
            {
                "http.request.method": "GET",
                "http.route": "/trust/{did}",
                "http.response.status_code": 404,
            },
            3,
        )
    ]

    # The conventions' bucket boundaries (not one bucket for every request under 5 s), the
    # resource attributes, and the gauges of the background tasks.
    assert tuple(points[0].explicit_bounds) == DURATION_BUCKETS
    resource = data.resource_metrics[0].resource.attributes
    assert resource["service.name"] == "registry"
    assert {"service.version", "service.instance.id", "deployment.environment.name"} <= set(
        resource
    )
    assert "outbox relay" in task_gauges(data)["b4g.task.restarts"]


async def test_background_work_is_measured(stack, prefix):
    reader = InMemoryMetricReader()
    async with service_client(
        service_spec(), RegistrySettings, stack, prefix, metric_reader=reader
    ):
        for _ in range(100):  # the relay measures its backlog after its first pass
            gauges = task_gauges(reader.get_metrics_data())
            if "b4g.outbox.backlog.age" in gauges:
                break
            await asyncio.sleep(0.1)
    assert gauges["b4g.outbox.backlog.age"] == {"outbox relay"}
    assert any(name.startswith("consumer ") for name in gauges["b4g.task.restarts"])


def task_gauges(data) -> dict[str, set[str]]:
    """Gauge name → the background tasks it has a point for."""
    return {
        metric.name: {p.attributes["b4g.task"] for p in metric.data.data_points}
        for resource_metrics in data.resource_metrics
        for scope in resource_metrics.scope_metrics
        for metric in scope.metrics
        if metric.name.startswith("b4g.")
    }


async def test_server_spans_carry_the_conventions_attributes(stack, prefix):
    exporter = InMemorySpanExporter()
    async with service_client(
        service_spec(), RegistrySettings, stack, prefix, span_exporter=exporter
    ) as client:
        assert (await client.get("/trust/did:key:z6MkUnknown")).status_code == 404
        assert (await client.get("/snapshot")).status_code == 503  # no signing key configured
        client.app.state.runtime.telemetry.tracer_provider.force_flush()
    spans = {span.name: span.attributes for span in exporter.get_finished_spans()}
    found = spans["GET /trust/{did}"]
    assert found["url.scheme"] == "http"
    assert found["server.address"] == "testserver.local"
    assert "error.type" not in found
    assert spans["GET /snapshot"]["error.type"] == "503"
