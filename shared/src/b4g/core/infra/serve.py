"""Run a service process: settings → logging → telemetry → app → uvicorn with graceful shutdown.

With `B4G_WORKERS` > 1, the parent binds the listening socket and forks that many workers that
serve it together, one event loop (one core) each. Everything a worker runs besides HTTP is
already safe in several processes: migrations take an advisory lock, consumers share their
group's partitions, outbox relays take shard locks, background loops claim work with SKIP
LOCKED. The parent forwards SIGTERM/SIGINT and, if a worker dies, stops the rest and exits
non-zero, so the orchestrator restarts the whole unit.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import sys
from typing import Any

import uvicorn

from b4g.core.infra.devstack import die_with_parent
from b4g.core.infra.logs import setup_logging
from b4g.core.infra.service import ServiceSpec, create_app
from b4g.core.infra.settings import S
from b4g.core.infra.telemetry import setup_telemetry

log = logging.getLogger(__name__)


def serve(spec: ServiceSpec[S, Any], settings: S) -> None:
    setup_logging(settings.service_name, level=settings.log_level, json_format=settings.log_json)
    if bool(settings.tls_cert_file) != bool(settings.tls_key_file):
        raise SystemExit("B4G_TLS_CERT_FILE and B4G_TLS_KEY_FILE must be set together")
    scheme = "https" if settings.tls_cert_file else "http"
    log.info(
        "starting",
        extra={
            "host": settings.host,
            "port": settings.port,
            "scheme": scheme,
            "workers": settings.workers,
        },
    )
    if settings.workers <= 1:
        _run(spec, settings)
        return
    listener = socket.create_server((settings.host, settings.port), reuse_port=False, backlog=2048)
    listener.set_inheritable(True)
    children = []
    for _ in range(settings.workers):
        pid = os.fork()
        if pid == 0:  # a worker: its own telemetry, pools and loop, created after the fork
            die_with_parent()
            code = 0
            try:
                _run(spec, settings, listener)
            except BaseException:
                log.exception("worker failed")
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    listener.close()
    sys.exit(_supervise(children))


def _run(spec: ServiceSpec[S, Any], settings: S, listener: socket.socket | None = None) -> None:
    telemetry = setup_telemetry(
        settings.service_name,
        otlp_endpoint=settings.otel_exporter_otlp_endpoint,
        service_version=spec.version,
        environment=settings.deployment_environment,
    )
    app = create_app(spec, settings, telemetry)
    # Everything built so far lives as long as the process: keep it out of the collector's
    # full passes, whose pauses otherwise land in the slowest percentile of requests.
    gc.freeze()
    # uvicorn stops accepting on SIGTERM/SIGINT, finishes in-flight requests, then runs the
    # lifespan shutdown, where consumers commit their offsets and the relay stops.
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        proxy_headers=True,
        ssl_certfile=settings.tls_cert_file or None,
        ssl_keyfile=settings.tls_key_file or None,
    )
    # A shared listener is handed over as a socket object (uvicorn's `fd` option would take it
    # for a Unix socket and leave Nagle on, adding 40 ms to small responses).
    uvicorn.Server(config).run(sockets=[listener] if listener is not None else None)


def _supervise(children: list[int]) -> int:
    stopping = False

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            _signal(pid, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    status = 0
    running = set(children)
    while running:
        pid, wait_status = os.wait()
        running.discard(pid)
        code = os.waitstatus_to_exitcode(wait_status)
        if not stopping and code != 0:
            log.error("a worker exited; stopping the others", extra={"pid": pid, "status": code})
            stopping, status = True, 1
            for other in running:
                _signal(other, signal.SIGTERM)
    return status


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
