"""Run a service process: settings → logging → telemetry → app → uvicorn with graceful shutdown."""

from __future__ import annotations

import logging

import uvicorn

from b4g.core.infra.logs import setup_logging
from b4g.core.infra.service import ServiceSpec, create_app
from b4g.core.infra.settings import BaseSettings
from b4g.core.infra.telemetry import setup_telemetry

log = logging.getLogger(__name__)


def serve(spec: ServiceSpec, settings: BaseSettings) -> None:
    setup_logging(settings.service_name, level=settings.log_level, json_format=settings.log_json)
    telemetry = setup_telemetry(
        settings.service_name, otlp_endpoint=settings.otel_exporter_otlp_endpoint
    )
    app = create_app(spec, settings, telemetry)
    log.info("starting", extra={"host": settings.host, "port": settings.port})
    # uvicorn stops accepting on SIGTERM/SIGINT, finishes in-flight requests, then runs the
    # lifespan shutdown, where consumers commit their offsets and the relay stops.
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        proxy_headers=True,
    )
