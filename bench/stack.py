"""PostgreSQL and broker for benchmarks, and service processes deployed on them.

`B4G_BENCH_DATABASE_URL` / `B4G_BENCH_KAFKA_BOOTSTRAP_SERVERS` when set, else the embedded
server and a private Tansu broker (as the tests do). Services run as a deployment on this machine
would: one worker per core (`B4G_WORKERS` overrides it); benches under load pass `SAMPLED`."""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

from b4g.core.infra.db import drop_database, ensure_database, with_database
from b4g.core.infra.devstack import EmbeddedPostgres, TansuBroker, free_port

REPO = Path(__file__).resolve().parents[1]
WORKERS = os.environ.get("B4G_WORKERS") or str(os.cpu_count() or 1)
# Trace sampling of a busy deployment, in the standard OpenTelemetry variables.
SAMPLED = {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.01"}


@dataclass
class Service:
    """A service process (`python -m <module>`) against the bench stack."""

    process: subprocess.Popen[bytes]
    base: str  # http://127.0.0.1:<port>
    env: dict[str, str]  # its environment, for its admin commands

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


class BenchStack:
    def __init__(self) -> None:
        self._postgres: EmbeddedPostgres | None = None
        self._broker: TansuBroker | None = None
        self.database_url = ""
        self.bootstrap = ""

    async def start(self) -> tuple[str, str]:
        server = os.environ.get("B4G_BENCH_DATABASE_URL", "")
        if not server:
            self._postgres = EmbeddedPostgres(REPO / ".b4g" / "bench-pg" / "pgdata")
            server = self._postgres.start()
        bootstrap = os.environ.get("B4G_BENCH_KAFKA_BOOTSTRAP_SERVERS", "")
        if not bootstrap:
            self._broker = TansuBroker(free_port())
            bootstrap = self._broker.start()
        url = with_database(server, f"b4g_bench_{uuid.uuid4().hex[:8]}")
        await ensure_database(url)
        self.database_url, self.bootstrap = url, bootstrap
        return url, bootstrap

    async def start_service(
        self, module: str, *, prefix: str, env: dict[str, str] | None = None
    ) -> Service:
        """Starts `python -m module` on a free port against this stack; returns once it is
        ready (its /ready answers 200)."""
        port = free_port()
        service_env = {
            **os.environ,
            "B4G_DATABASE_URL": self.database_url,
            "B4G_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "B4G_KAFKA_TOPIC_PREFIX": prefix,
            "B4G_PORT": str(port),
            "B4G_WORKERS": WORKERS,
            "B4G_LOG_LEVEL": "WARNING",
            "B4G_PUBLIC_RATE_LIMIT": "0",  # the load comes from one client address
            "B4G_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
            **(env or {}),
        }
        process = subprocess.Popen([sys.executable, "-m", module], env=service_env)  # noqa: ASYNC220
        service = Service(process, f"http://127.0.0.1:{port}", service_env)
        try:
            async with httpx.AsyncClient(timeout=5) as client, asyncio.timeout(60):
                while True:
                    try:
                        if (await client.get(f"{service.base}/ready")).status_code == 200:
                            return service
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.2)
        except BaseException:
            service.stop()
            raise

    async def stop(self) -> None:
        """Drops the benchmark's database, then stops what `start` started."""
        if self.database_url:
            await drop_database(self.database_url)
        if self._broker is not None:
            self._broker.stop()
        if self._postgres is not None:
            self._postgres.stop()
