"""A service app in-process against the real test database and broker (lifespan included:
migrations, pool, outbox relay and consumers run as in production)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from litestar.testing import AsyncTestClient
from opentelemetry.sdk.metrics.export import MetricReader
from opentelemetry.sdk.trace.export import SpanExporter

from b4g.core.infra.service import ServiceSpec, create_app
from b4g.core.infra.settings import BaseSettings, load_settings
from b4g.core.infra.telemetry import setup_telemetry
from tests.support.stack import RealStack


@contextlib.asynccontextmanager
async def service_client(
    spec: ServiceSpec,
    settings_cls: type[BaseSettings],
    stack: RealStack,
    prefix: str,
    span_exporter: SpanExporter | None = None,
    metric_reader: MetricReader | None = None,
    **overrides: Any,
) -> AsyncIterator[AsyncTestClient[Any]]:
    url = await stack.new_database(spec.name)
    settings = load_settings(
        settings_cls,
        {},
        database_url=url,
        kafka_bootstrap_servers=stack.bootstrap,
        kafka_topic_prefix=prefix,
        relay_poll_interval=0.05,
        **{"public_rate_limit": 0, **overrides},
    )
    telemetry = setup_telemetry(spec.name, span_exporter=span_exporter, metric_reader=metric_reader)
    app = create_app(spec, settings, telemetry)
    try:
        async with AsyncTestClient(app, base_url="http://testserver.local") as client:
            yield client
    finally:
        await stack.drop(url)
