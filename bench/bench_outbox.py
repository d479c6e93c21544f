"""Outbox relay: events/s from commit to broker, and commit-to-consume latency (p50/p99),
at 1 and 8 concurrent writers. Baseline: the same events sent straight to the broker with
send_and_wait (no outbox, no transaction, so no guarantee)."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aiokafka import AIOKafkaConsumer
from stack import BenchStack

from b4g.core.events.envelope import decode_event, encode_event, new_event
from b4g.core.events.topics import ISSUER_CREDENTIALS, topic_name
from b4g.core.infra.db import create_pool
from b4g.core.infra.kafka import ensure_topics, new_producer
from b4g.core.infra.migrate import migrate
from b4g.core.infra.outbox import enqueue
from b4g.core.infra.relay import OutboxRelay, RelayConfig
from b4g.core.infra.telemetry import setup_telemetry

EVENTS = 4000


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


async def consume(bootstrap: str, topic: str, count: int, latencies: list[float]) -> float:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=20,
    )
    await consumer.start()
    try:
        while len(latencies) < count:
            for records in (await consumer.getmany(timeout_ms=100)).values():
                now = time.time()
                latencies.extend(now - decode_event(r.value).data["t"] for r in records)
        return time.time()
    finally:
        await consumer.stop()


async def outbox_run(pool, bootstrap: str, writers: int) -> tuple[float, list[float]]:
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    await ensure_topics(bootstrap, prefix=prefix)
    relay = OutboxRelay(
        pool,
        RelayConfig(bootstrap_servers=bootstrap, topic_prefix=prefix, poll_interval=0.05),
        lambda: new_producer(bootstrap),
        setup_telemetry("bench").tracer("b"),
    )
    latencies: list[float] = []
    consumer = asyncio.create_task(
        consume(bootstrap, topic_name(ISSUER_CREDENTIALS, prefix), EVENTS, latencies)
    )
    relay_task = asyncio.create_task(relay.run())
    await asyncio.sleep(1.0)  # consumer assigned, relay listening

    async def writer(w: int) -> None:
        for i in range(EVENTS // writers):
            async with pool.acquire() as conn, conn.transaction():
                event = new_event(source="urn:bench", type="bench", data={"t": time.time()})
                await enqueue(
                    conn,
                    topic=ISSUER_CREDENTIALS,
                    key=f"w{w}-{i % 16}",
                    event=event,
                    shards=16,  # RelayConfig's default, which the relays here poll
                )

    started = time.time()
    await asyncio.gather(*(writer(w) for w in range(writers)))
    finished = await consumer
    relay.stop()
    await relay_task
    return EVENTS / (finished - started), latencies


async def direct_run(bootstrap: str) -> float:
    prefix = f"direct{uuid.uuid4().hex[:6]}."
    await ensure_topics(bootstrap, prefix=prefix)
    producer = new_producer(bootstrap)
    await producer.start()
    started = time.time()
    for i in range(EVENTS):
        event = new_event(source="urn:bench", type="bench", data={"t": time.time()})
        await producer.send_and_wait(
            topic_name(ISSUER_CREDENTIALS, prefix), encode_event(event), key=f"k{i % 16}".encode()
        )
    elapsed = time.time() - started
    await producer.stop()
    return EVENTS / elapsed


async def main() -> None:
    stack = BenchStack()
    url, bootstrap = await stack.start()
    try:
        await migrate(url)
        pool = await create_pool(url, max_size=10)
        print(f"{EVENTS} events per run; PostgreSQL + Tansu on this machine")
        print(f"{'run':<44}{'events/s':>10}{'p50 ms':>9}{'p99 ms':>9}")
        direct = await direct_run(bootstrap)
        print(f"{'baseline: direct send_and_wait, 1 sender':<44}{direct:>10.0f}{'-':>9}{'-':>9}")
        for writers in (1, 8):
            rate, lat = await outbox_run(pool, bootstrap, writers)
            print(
                f"{f'outbox relay, {writers} writer(s)':<44}{rate:>10.0f}"
                f"{pct(lat, 50) * 1000:>9.1f}{pct(lat, 99) * 1000:>9.1f}"
            )
        await pool.close()
    finally:
        await stack.stop()


if __name__ == "__main__":
    asyncio.run(main())
