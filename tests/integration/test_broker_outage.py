"""A broker restart that loses its data (the local Tansu broker keeps everything in memory):
the relay notices that events it had published are gone, re-creates the topics and publishes
what the outbox still keeps; the consumer re-reads from the start; every event is applied once.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
import pytest

from b4g.core.infra.devstack import TansuBroker, free_port
from b4g.core.infra.inbox import ConsumerConfig, InboxConsumer
from b4g.core.infra.kafka import ensure_topics
from b4g.core.infra.telemetry import setup_telemetry
from tests.integration.test_messaging import TOPIC, pool, record_effect, relay_for, running, write

pytestmark = pytest.mark.integration
__all__ = ["pool"]  # the fixture


async def applied(db: asyncpg.Pool) -> int:
    count: int = await db.fetchval("SELECT count(*) FROM effects")
    return count


async def wait_for(db: asyncpg.Pool, count: int, timeout: float = 90.0) -> float:
    started = time.monotonic()
    while (seen := await applied(db)) < count:
        assert time.monotonic() - started < timeout, f"{seen} of {count} events applied"
        await asyncio.sleep(0.2)
    return time.monotonic() - started


async def test_events_survive_a_broker_that_forgot_everything(
    pool: asyncpg.Pool, prefix: str, tmp_path: Any
) -> None:
    broker = TansuBroker(free_port(), log_path=tmp_path / "tansu.log")
    broker.start()
    try:
        await ensure_topics(broker.bootstrap, prefix=prefix)
        relay = relay_for(pool, broker.bootstrap, prefix)
        consumer = InboxConsumer(
            pool,
            ConsumerConfig(
                name="test.broker-outage",
                topics=(TOPIC,),
                bootstrap_servers=broker.bootstrap,
                topic_prefix=prefix,
            ),
            record_effect,
            setup_telemetry("test").tracer("test"),
        )
        async with running(relay, consumer):
            for seq in range(200):
                await write(pool, f"key-{seq % 10}", seq)
            await wait_for(pool, 200)

            await asyncio.to_thread(broker.stop)  # in memory: topics and offsets are gone
            await asyncio.sleep(1.0)
            broker.start()
            for seq in range(200, 400):
                await write(pool, f"key-{seq % 10}", seq)
            recovered_in = await wait_for(pool, 400)

        assert await applied(pool) == 400  # each event once (the inbox skipped repeats)
        sequences = await pool.fetch("SELECT seq FROM effects ORDER BY seq")
        assert [row["seq"] for row in sequences] == list(range(400))
        assert relay.republished >= 200, "the relay published the kept rows again"
        print(f"400 of 400 applied, {recovered_in:.1f} s after the broker came back")
    finally:
        broker.stop()
