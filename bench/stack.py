"""PostgreSQL and broker for benchmarks.

`B4G_BENCH_DATABASE_URL` / `B4G_BENCH_KAFKA_BOOTSTRAP_SERVERS` when set, else the embedded
server and a private Tansu broker (as the tests do)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from b4g.core.infra.db import drop_database, ensure_database, with_database
from b4g.core.infra.devstack import EmbeddedPostgres, TansuBroker, free_port

REPO = Path(__file__).resolve().parents[1]


class BenchStack:
    def __init__(self) -> None:
        self._postgres: EmbeddedPostgres | None = None
        self._broker: TansuBroker | None = None
        self.database_url = ""

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
        self.database_url = url
        return url, bootstrap

    async def stop(self) -> None:
        """Drops the benchmark's database, then stops what `start` started."""
        if self.database_url:
            await drop_database(self.database_url)
        if self._broker is not None:
            self._broker.stop()
        if self._postgres is not None:
            self._postgres.stop()
