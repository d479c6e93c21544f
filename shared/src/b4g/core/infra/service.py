"""The shape every service process shares: app factory, lifespan, health and readiness.

A service describes itself with a `ServiceSpec`; `create_app` turns it into a Litestar app whose
lifespan runs migrations, opens the pool, and runs the outbox relay and inbox consumers as
background tasks that stop gracefully (consumers commit the offsets of what they processed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import swagger_ui_bundle
from litestar import Litestar, MediaType, Response, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from b4g.core.infra.db import create_pool
from b4g.core.infra.http_tracing import HttpTracing
from b4g.core.infra.inbox import InboxConsumer
from b4g.core.infra.kafka import broker_reachable, ensure_topics, new_producer
from b4g.core.infra.migrate import Migration, migrate
from b4g.core.infra.outbox import OutboxRelay, RelayConfig
from b4g.core.infra.problems import (
    EXCEPTION_HANDLERS,
    Problem,
    document_problems,
    problem_response,
)
from b4g.core.infra.settings import BaseSettings
from b4g.core.infra.telemetry import Telemetry

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What one process holds while it runs; reachable from handlers as `state.runtime`."""

    settings: BaseSettings
    telemetry: Telemetry
    pool: asyncpg.Pool | None = None
    relay: OutboxRelay | None = None
    consumers: list[InboxConsumer] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    background: list[asyncio.Task[None]] = field(default_factory=list)
    _broker_ok: tuple[float, bool] = (0.0, False)

    def require_pool(self) -> asyncpg.Pool:
        if self.pool is None:
            raise RuntimeError("database pool used before start-up")
        return self.pool

    async def broker_ready(self) -> bool:
        """Broker reachability, remembered for two seconds so probes stay cheap."""
        checked_at, ok = self._broker_ok
        if time.monotonic() - checked_at > 2.0:
            ok = await broker_reachable(self.settings.kafka_bootstrap_servers)
            self._broker_ok = (time.monotonic(), ok)
        return ok


ConsumerFactory = Callable[[Runtime], Sequence[InboxConsumer]]
# Long-running loops of a service (schedulers, sweepers); cancelled at shutdown.
TaskFactory = Callable[[Runtime], Sequence[Coroutine[Any, Any, None]]]


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    title: str
    description: str
    version: str
    route_handlers: Sequence[ControllerRouterHandler]
    migrations: Sequence[Migration] = ()
    consumers: ConsumerFactory | None = None
    background: TaskFactory | None = None
    dependencies: dict[str, Provide] = field(default_factory=dict)
    extra_state: dict[str, Any] = field(default_factory=dict)


@get(
    "/health", tags=["operations"], summary="Liveness", include_in_schema=True, sync_to_thread=False
)
def health(state: State) -> dict[str, str]:
    """The process is alive. It does not check dependencies (see `/ready`)."""
    return {"status": "ok", "service": state.runtime.settings.service_name}


@get("/ready", tags=["operations"], summary="Readiness")
async def ready(state: State) -> Response[Any]:
    """Ready when the database and the Kafka broker are reachable; 503 otherwise."""
    runtime: Runtime = state.runtime
    checks = {"database": await _database_ok(runtime), "broker": await runtime.broker_ready()}
    if all(checks.values()):
        return Response({"status": "ready", "checks": checks}, media_type=MediaType.JSON)
    failing = ", ".join(name for name, ok in checks.items() if not ok)
    return problem_response(
        Problem(
            type="https://badges4good.org/problems/not_ready",
            title="Service not ready",
            status=503,
            code="not_ready",
            detail=f"unreachable: {failing}",
            instance="/ready",
        )
    )


async def _database_ok(runtime: Runtime) -> bool:
    if runtime.pool is None:
        return False
    try:
        async with asyncio.timeout(2):
            await runtime.pool.fetchval("SELECT 1")
        return True
    except (OSError, asyncpg.PostgresError, TimeoutError, asyncpg.InterfaceError):
        return False


def create_app(spec: ServiceSpec, settings: BaseSettings, telemetry: Telemetry) -> Litestar:
    runtime = Runtime(settings=settings, telemetry=telemetry)

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await _start(spec, runtime)
        try:
            yield
        finally:
            await _stop(runtime)

    assets = Path(swagger_ui_bundle.swagger_ui_path)
    openapi = OpenAPIConfig(
        components=Components(
            security_schemes={
                "ApiKey": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    bearer_format="b4g_<id>_<secret>",
                    description="An API key, sent as `Authorization: Bearer …`",
                ),
            }
        ),
        title=spec.title,
        version=spec.version,
        description=spec.description,
        path="/schema",
        render_plugins=[
            SwaggerRenderPlugin(
                path="/",
                js_url="/schema-assets/swagger-ui-bundle.js",
                css_url="/schema-assets/swagger-ui.css",
                standalone_preset_js_url="/schema-assets/swagger-ui-standalone-preset.js",
            ),
            JsonRenderPlugin(path="/openapi.json"),
        ],
    )
    app = Litestar(
        route_handlers=[
            health,
            ready,
            create_static_files_router(
                path="/schema-assets", directories=[assets], include_in_schema=False
            ),
            *spec.route_handlers,
        ],
        lifespan=[lifespan],
        dependencies=spec.dependencies,
        state=State({"runtime": runtime, **spec.extra_state}),
        openapi_config=openapi,
        exception_handlers=dict(EXCEPTION_HANDLERS),
        request_max_body_size=2 * 1024 * 1024,
        logging_config=None,  # logs.setup_logging owns the handlers: JSON with trace ids
    )
    # Around the router and the exception handlers, where Litestar would put its own
    # OpenTelemetry middleware, so every answer (problem details included) is seen.
    app.asgi_handler = HttpTracing(
        app.asgi_handler,
        telemetry.tracer("b4g.http"),
        telemetry.meter_provider.get_meter("b4g.http"),
        exclude_paths=("/health", "/ready"),
    )
    document_problems(app.openapi_schema)
    return app


async def _start(spec: ServiceSpec, runtime: Runtime) -> None:
    settings = runtime.settings
    if settings.migrate_on_start:
        applied = await migrate(settings.database_url, list(spec.migrations))
        if applied:
            log.info(
                "migrations applied",
                extra={"versions": [f"{m.component}:{m.version:04d}" for m in applied]},
            )
    runtime.pool = await create_pool(
        settings.database_url,
        min_size=settings.database_pool_min,
        max_size=settings.database_pool_max,
    )
    runtime.tasks.append(asyncio.create_task(_ensure_topics_forever(settings), name="topics"))
    if settings.run_relay:
        runtime.relay = OutboxRelay(
            runtime.pool,
            RelayConfig(
                bootstrap_servers=settings.kafka_bootstrap_servers,
                topic_prefix=settings.kafka_topic_prefix,
                shards=settings.outbox_shards,
                batch_size=settings.relay_batch_size,
                poll_interval=settings.relay_poll_interval,
                retention=settings.outbox_retention_seconds,
            ),
            lambda: new_producer(settings.kafka_bootstrap_servers),
            runtime.telemetry.tracer("b4g.outbox"),
        )
        runtime.tasks.append(asyncio.create_task(runtime.relay.run(), name="outbox-relay"))
    if settings.run_consumers and spec.consumers is not None:
        runtime.consumers = list(spec.consumers(runtime))
        for consumer in runtime.consumers:
            runtime.tasks.append(asyncio.create_task(_run_forever(consumer), name="consumer"))
    if spec.background is not None:
        for loop in spec.background(runtime):
            runtime.background.append(asyncio.create_task(loop))


async def _ensure_topics_forever(settings: BaseSettings) -> None:
    delay = 0.5
    while True:
        try:
            await ensure_topics(
                settings.kafka_bootstrap_servers, prefix=settings.kafka_topic_prefix
            )
            return
        except Exception as exc:  # broker not up yet: keep trying, the relay waits too
            log.warning("creating topics failed, retrying", extra={"error": str(exc)})
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)


async def _run_forever(consumer: InboxConsumer) -> None:
    """Restart a consumer whose broker connection broke, until shutdown."""
    while True:
        try:
            await consumer.run()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("consumer stopped, restarting", extra={"error": str(exc)})
            await asyncio.sleep(2)


async def _stop(runtime: Runtime) -> None:
    for task in runtime.background:
        task.cancel()
    await asyncio.gather(*runtime.background, return_exceptions=True)
    for consumer in runtime.consumers:
        consumer.stop()
    if runtime.relay is not None:
        runtime.relay.stop()
    grace = runtime.settings.shutdown_grace_seconds
    if runtime.tasks:
        _done, pending = await asyncio.wait(runtime.tasks, timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    if runtime.pool is not None:
        await runtime.pool.close()
    log.info("stopped: requests finished, consumer offsets committed")
    runtime.telemetry.shutdown()
