"""The app factory in-process: lifespan against the real stack, problem details for errors."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

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
