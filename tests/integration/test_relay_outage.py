"""PostgreSQL restarted under load: the outbox relay resumes by itself and nothing stays
unpublished (the whole issuer through an outage: tests/e2e/test_outage_recovery.py).

The test runs its own embedded PostgreSQL server (in a temporary folder), so it can stop and
start that server without touching the database other tests share.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import pytest

from b4g.core.events.topics import ISSUER_CREDENTIALS
from b4g.core.infra.db import create_pool
from b4g.core.infra.devstack import EmbeddedPostgres
from b4g.core.infra.migrate import migrate
from tests.integration.test_messaging import event, read_topic, relay_for
from tests.support.outage import OUTAGE_SECONDS, wait_until_drained

pytestmark = pytest.mark.integration

DATABASE_DOWN = (
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,
)


async def restart(server: EmbeddedPostgres, down_for: float = OUTAGE_SECONDS) -> None:
    await asyncio.to_thread(server.stop)
    await asyncio.sleep(down_for)
    await asyncio.to_thread(server.start)


async def test_relay_resumes_after_postgres_restart_under_load(
    private_postgres: EmbeddedPostgres, stack: Any, prefix: str
) -> None:
    url = private_postgres.start()
    await migrate(url)
    pool = await create_pool(url, max_size=6)
    relay = relay_for(pool, stack.bootstrap, prefix)
    # Unsupervised: the relay itself must ride out the outage (supervision is a second net).
    supervised = asyncio.create_task(relay.run())
    written: list[str] = []
    stop_writing = asyncio.Event()

    async def writer() -> None:
        seq = 0
        while not stop_writing.is_set():
            ev = event(f"k{seq % 7}", seq)
            try:
                async with pool.acquire() as conn, conn.transaction():
                    await conn.execute(
                        "INSERT INTO outbox (event_id, topic, key, shard, value)"
                        " VALUES ($1, $2, $3, 0, $4)",
                        uuid.UUID(ev.id),
                        ISSUER_CREDENTIALS,
                        ev.subject,
                        b"{}",
                    )
                written.append(ev.id)
                seq += 1
            except DATABASE_DOWN:
                await asyncio.sleep(0.05)  # the database is down: keep trying, as clients do
            await asyncio.sleep(0)

    writers = [asyncio.create_task(writer()) for _ in range(3)]
    try:
        await asyncio.sleep(1.0)
        before = len(written)
        await restart(private_postgres)
        await asyncio.sleep(1.0)
        stop_writing.set()
        await asyncio.gather(*writers)
        assert before > 0 and len(written) > before, "writes went on before and after the outage"
        drained_in = await wait_until_drained(url, lambda: relay.health.last_error)
        records = await read_topic(stack.bootstrap, prefix, len(written), timeout=60)
        assert {r.key.decode() for r in records} <= {f"k{i}" for i in range(7)}
        assert len(records) >= len(written)  # at least once: every row reached the broker
        assert relay.health.last_error is not None, "the relay saw the outage"
        assert relay.health.problem() is None, "and is healthy again"
        assert not supervised.done(), "the relay is still running"
        print(f"{len(written)} events, drained {drained_in:.1f} s after the writers stopped")
    finally:
        relay.stop()
        await asyncio.wait_for(supervised, 10)
        await pool.close()
