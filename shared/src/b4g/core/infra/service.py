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
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import asyncpg
import swagger_ui_bundle
from litestar import Litestar
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
from b4g.core.infra.limits import HeaderLimit
from b4g.core.infra.migrate import Migration, migrate
from b4g.core.infra.problems import EXCEPTION_HANDLERS, document_problems
from b4g.core.infra.public_access import PublicAccess
from b4g.core.infra.readiness import health, observe_health, ready
from b4g.core.infra.relay import OutboxRelay, RelayConfig
from b4g.core.infra.settings import BaseSettings
from b4g.core.infra.supervise import Health, supervise
from b4g.core.infra.telemetry import Telemetry

log = logging.getLogger(__name__)


S = TypeVar("S", bound=BaseSettings)
C = TypeVar("C")


@dataclass
class Runtime(Generic[S]):
    """What one process holds while it runs; reachable from handlers as `state.runtime`."""

    settings: S
    telemetry: Telemetry
    pool: asyncpg.Pool | None = None
    context: Any = None  # the service's typed context, built once the pool is open
    relay: OutboxRelay | None = None
    consumers: list[InboxConsumer] = field(default_factory=list)
    healths: list[Health] = field(default_factory=list)  # of every supervised task
    tasks: list[asyncio.Task[None]] = field(default_factory=list)  # stopped with grace
    background: list[asyncio.Task[None]] = field(default_factory=list)  # cancelled
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

    def supervise(
        self,
        name: str,
        run: Callable[[], Awaitable[None]],
        health: Health | None = None,
        *,
        stoppable: bool = False,
    ) -> None:
        """Run `run` under supervision (restarted after any failure). Stoppable tasks (relay,
        consumers) are asked to stop and given the grace period at shutdown; others are
        cancelled."""
        health = health or Health(name)
        self.healths.append(health)
        task = asyncio.create_task(supervise(run, health), name=name)
        (self.tasks if stoppable else self.background).append(task)


@dataclass(frozen=True)
class Loop:
    """A long-running loop of a service (scheduler, sweeper, publisher), run supervised."""

    name: str
    run: Callable[[], Awaitable[None]]


ContextBuilder = Callable[[Runtime[S]], C]
ConsumerFactory = Callable[[Runtime[S], C], Sequence[InboxConsumer]]
LoopFactory = Callable[[Runtime[S], C], Sequence[Loop]]


@dataclass(frozen=True)
class ServiceSpec(Generic[S, C]):
    """A service: its routes and migrations, and how its context is built once the database
    pool is open. The context is built before any consumer or loop starts, handed to them,
    and injected into handlers as `ctx`."""

    name: str
    title: str
    description: str
    version: str
    route_handlers: Sequence[ControllerRouterHandler]
    build_context: ContextBuilder[S, C]
    migrations: Sequence[Migration] = ()
    consumers: ConsumerFactory[S, C] | None = None
    background: LoopFactory[S, C] | None = None
    dependencies: dict[str, Provide] = field(default_factory=dict)
    extra_state: dict[str, Any] = field(default_factory=dict)
    # Paths (regular expressions, whole path) anyone may call: CORS and a rate limit per client.
    public_paths: Sequence[str] = ()
    # Enqueues the current state of the service's compacted topics again (status lists,
    # profiles, trust), when the broker turns out to have lost events; returns how many.
    republish: Callable[[C], Awaitable[int]] | None = None


def provide_context(state: State) -> Any:
    context = state.runtime.context
    if context is None:
        raise RuntimeError("service context used before start-up")
    return context


def create_app(spec: ServiceSpec[S, C], settings: S, telemetry: Telemetry) -> Litestar:
    runtime: Runtime[S] = Runtime(settings=settings, telemetry=telemetry)
    observe_health(telemetry.meter_provider.get_meter("b4g.runtime"), runtime.healths)

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
        dependencies={"ctx": Provide(provide_context, sync_to_thread=False), **spec.dependencies},
        state=State({"runtime": runtime, **spec.extra_state}),
        openapi_config=openapi,
        exception_handlers=dict(EXCEPTION_HANDLERS),
        request_max_body_size=2 * 1024 * 1024,
        logging_config=None,  # logs.setup_logging owns the handlers: JSON with trace ids
    )
    # Around the router and the exception handlers, where Litestar would put its own
    # OpenTelemetry middleware, so every answer (problem details included) is seen.
    public = PublicAccess(
        app.asgi_handler,
        spec.public_paths,
        rate=settings.public_rate_limit,
        burst=settings.public_rate_burst,
    )
    app.asgi_handler = HeaderLimit(
        HttpTracing(
            public,
            telemetry.tracer("b4g.http"),
            telemetry.meter_provider.get_meter("b4g.http"),
            exclude_paths=("/health", "/ready"),
        )
    )
    document_problems(app.openapi_schema)
    return app


async def _start(spec: ServiceSpec[S, C], runtime: Runtime[S]) -> None:
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
    context = spec.build_context(runtime)  # a missing master key stops start-up here
    runtime.context = context
    runtime.supervise("topics", lambda: _ensure_topics(settings))
    if settings.run_relay:
        relay = runtime.relay = OutboxRelay(
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
            on_broker_loss=_bound(spec.republish, context),
        )
        runtime.supervise("outbox relay", relay.run, relay.health, stoppable=True)
    if settings.run_consumers and spec.consumers is not None:
        runtime.consumers = list(spec.consumers(runtime, context))
        for consumer in runtime.consumers:
            runtime.supervise(consumer.health.name, consumer.run, consumer.health, stoppable=True)
    if spec.background is not None:
        for loop in spec.background(runtime, context):
            runtime.supervise(loop.name, loop.run)


def _bound(
    republish: Callable[[C], Awaitable[int]] | None, context: C
) -> Callable[[], Awaitable[int]] | None:
    if republish is None:
        return None
    return lambda: republish(context)


async def _ensure_topics(settings: BaseSettings) -> None:
    """Create the topics once at start-up (the broker may not be up yet: supervision retries;
    the relay re-creates them whenever it rebuilds its producer)."""
    await ensure_topics(settings.kafka_bootstrap_servers, prefix=settings.kafka_topic_prefix)


async def _stop(runtime: Runtime[Any]) -> None:
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
