"""Real PostgreSQL and a real Kafka-protocol broker for tests, isolated per run.

PostgreSQL: `B4G_TEST_DATABASE_URL` when set (a server URL; each test gets its own database on
it), else an embedded server under `.b4g/test-pg`. Broker: `B4G_TEST_KAFKA_BOOTSTRAP_SERVERS`
when set, else a Tansu broker on a free port. Topics carry a per-test prefix.
"""

from __future__ import annotations

import itertools
import os
import uuid
from pathlib import Path

from b4g.core.infra.db import drop_database, ensure_database, with_database
from b4g.core.infra.devstack import EmbeddedPostgres, TansuBroker, free_port

REPO = Path(__file__).resolve().parents[2]
RUN_ID = uuid.uuid4().hex[:8]
_counter = itertools.count(1)


def unique_name(stem: str) -> str:
    return f"b4g_t{RUN_ID}_{stem}_{next(_counter)}"


class RealStack:
    """Started once per test session; hands out databases and topic prefixes."""

    def __init__(self) -> None:
        self._postgres: EmbeddedPostgres | None = None
        self._broker: TansuBroker | None = None
        self.server_url = ""
        self.bootstrap = ""

    def start(self) -> None:
        self.server_url = os.environ.get("B4G_TEST_DATABASE_URL", "")
        if not self.server_url:
            self._postgres = EmbeddedPostgres(REPO / ".b4g" / "test-pg" / "pgdata")
            self.server_url = self._postgres.start()
        self.bootstrap = os.environ.get("B4G_TEST_KAFKA_BOOTSTRAP_SERVERS", "")
        if not self.bootstrap:
            self._broker = TansuBroker(free_port())
            self.bootstrap = self._broker.start()

    def stop(self) -> None:
        if self._broker is not None:
            self._broker.stop()
        if self._postgres is not None:
            self._postgres.stop()

    async def new_database(self, stem: str) -> str:
        url = with_database(self.server_url, unique_name(stem))
        await ensure_database(url)
        return url

    async def drop(self, url: str) -> None:
        await drop_database(url)


def topic_prefix() -> str:
    return unique_name("topics") + "."
