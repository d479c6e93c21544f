"""The event backbone against real PostgreSQL and the real broker: nothing lost, nothing twice."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator

import asyncpg
import msgspec
import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from b4g.core.events.envelope import CloudEvent, decode_event, encode_event, new_event
from b4g.core.events.topics import ISSUER_CREDENTIALS, topic_name
from b4g.core.infra.db import Conn, create_pool
from b4g.core.infra.devstack import TansuBroker, free_port
from b4g.core.infra.inbox import ConsumerConfig, InboxConsumer
from b4g.core.infra.kafka import ensure_topics, new_producer
from b4g.core.infra.migrate import migrate
from b4g.core.infra.outbox import OutboxEntry, enqueue, enqueue_many
from b4g.core.infra.relay import OutboxRelay, RelayConfig
from b4g.core.infra.telemetry import setup_telemetry

pytestmark = pytest.mark.integration

TOPIC = ISSUER_CREDENTIALS
SHARDS = 16  # the shard count the test relays poll (RelayConfig's default)
EFFECTS = "CREATE TABLE effects (event_id text PRIMARY KEY, key text NOT NULL, seq int NOT NULL)"


class Crash(Exception):
    """Stands for the process dying between the database commit and the offset commit."""


@pytest.fixture
async def pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    await migrate(database)
    db = await create_pool(database, max_size=12)
    await db.execute(EFFECTS)
    yield db
    await db.close()


def event(key: str, seq: int) -> CloudEvent:
    return new_event(
        source="urn:test", type="org.badges4good.test", subject=key, data={"key": key, "seq": seq}
    )


async def write(pool: asyncpg.Pool, key: str, seq: int) -> CloudEvent:
    ev = event(key, seq)
    async with pool.acquire() as conn, conn.transaction():
        await enqueue(conn, topic=TOPIC, key=key, event=ev, shards=SHARDS)
    return ev


async def record_effect(conn: Conn, ev: CloudEvent) -> None:
    await conn.execute(
        "INSERT INTO effects VALUES ($1, $2, $3)", ev.id, ev.data["key"], ev.data["seq"]
    )


def relay_for(pool: asyncpg.Pool, bootstrap: str, prefix: str, tracer=None) -> OutboxRelay:
    telemetry = setup_telemetry("test")
    return OutboxRelay(
        pool,
        RelayConfig(
            bootstrap_servers=bootstrap, topic_prefix=prefix, poll_interval=0.05, max_backoff=0.5
        ),
        lambda: new_producer(bootstrap),
        tracer or telemetry.tracer("test"),
    )


async def read_topic(
    bootstrap: str, prefix: str, count: int, timeout: float = 30
) -> list[ConsumerRecord]:
    """Read `count` records from the start of the topic (all partitions)."""
    consumer = AIOKafkaConsumer(
        topic_name(TOPIC, prefix),
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        async with asyncio.timeout(timeout):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=200)
                for part in batch.values():
                    records.extend(part)
    finally:
        await consumer.stop()
    return records


@contextlib.asynccontextmanager
async def running(*runners: OutboxRelay | InboxConsumer) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(r.run()) for r in runners]
    try:
        yield
    finally:
        for r in runners:
            r.stop()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 20)


def assert_order_per_key(records: list[ConsumerRecord]) -> None:
    seen: dict[str, list[int]] = defaultdict(list)
    for rec in records:
        data = decode_event(rec.value).data
        seen[data["key"]].append(data["seq"])
    for key, seqs in seen.items():
        assert seqs == sorted(seqs), f"key {key} out of order: {seqs}"


async def test_event_of_rolled_back_transaction_is_never_published(pool, stack, prefix):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    doomed = event("k", 1)
    with pytest.raises(RuntimeError):
        async with pool.acquire() as conn, conn.transaction():
            await enqueue(conn, topic=TOPIC, key="k", event=doomed, shards=SHARDS)
            raise RuntimeError("the state change failed")
    kept = await write(pool, "k", 2)
    relay = relay_for(pool, stack.bootstrap, prefix)
    assert await relay.publish_pending() == 1
    # Produce a marker after it; once the marker is read, everything before it has been read.
    marker = await write(pool, "k", 3)
    await relay.publish_pending()
    ids = [decode_event(r.value).id for r in await read_topic(stack.bootstrap, prefix, 2)]
    assert ids == [kept.id, marker.id]
    assert doomed.id not in ids
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0


async def test_broker_outage_loses_nothing_and_keeps_order_per_key(pool, prefix):
    """The broker restarts empty: what it lost and what was sent meanwhile both arrive."""
    broker = TansuBroker(free_port())
    bootstrap = broker.start()
    relay = relay_for(pool, bootstrap, prefix)
    try:
        async with running(relay):
            before = [await write(pool, f"key{i % 3}", i) for i in range(6)]
            async with asyncio.timeout(20):
                while relay.published < len(before):
                    await asyncio.sleep(0.05)
            broker.stop()  # Tansu keeps nothing: only what the outbox still holds can come back
            during = [await write(pool, f"key{i % 3}", i) for i in range(6, 60)]
            await asyncio.sleep(7)  # longer than the producer's request timeout: sends fail
            assert await pool.fetchval(
                "SELECT count(*) FROM outbox WHERE published_at IS NULL"
            ) == len(during)
            broker.start()
            # The relay notices the broker forgot the first six and publishes every kept row
            # again, in id order.
            async with asyncio.timeout(30):
                while relay.republished == 0 or await pool.fetchval(
                    "SELECT count(*) FROM outbox WHERE published_at IS NULL"
                ):
                    await asyncio.sleep(0.1)
        everything = before + during
        records = await read_topic(bootstrap, prefix, len(everything))
        async with asyncio.timeout(30):  # the republished pass may come after the first sends
            while {decode_event(r.value).id for r in records} != {e.id for e in everything}:
                records = await read_topic(bootstrap, prefix, len(records) + 1)
        # Per key, the last pass holds every event of the key, in order.
        seqs: dict[str, list[int]] = defaultdict(list)
        for record in records:
            data = decode_event(record.value).data
            seqs[data["key"]].append(data["seq"])
        for key, seen in seqs.items():
            wanted = [e.data["seq"] for e in everything if e.data["key"] == key]
            assert seen[-len(wanted) :] == wanted, f"key {key}: {seen}"
    finally:
        broker.stop()


async def test_event_delivered_twice_has_its_effect_once(pool, stack, prefix):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    ev = event("dup", 1)
    producer = new_producer(stack.bootstrap)
    await producer.start()
    try:
        for _ in range(2):
            await producer.send_and_wait(topic_name(TOPIC, prefix), encode_event(ev), key=b"dup")
    finally:
        await producer.stop()
    consumer = InboxConsumer(
        pool,
        ConsumerConfig(
            name=f"{prefix}dup",
            topics=(TOPIC,),
            bootstrap_servers=stack.bootstrap,
            topic_prefix=prefix,
        ),
        record_effect,
        setup_telemetry("test").tracer("test"),
    )
    async with running(consumer):
        async with asyncio.timeout(30):
            while consumer.processed + consumer.skipped < 2:
                await asyncio.sleep(0.05)
    assert (consumer.processed, consumer.skipped) == (1, 1)
    assert await pool.fetchval("SELECT count(*) FROM effects") == 1


async def test_consumer_killed_after_commit_applies_effect_exactly_once(pool, stack, prefix):
    written = [await write(pool, "crash", i) for i in range(5)]
    await relay_for(pool, stack.bootstrap, prefix).publish_pending()
    config = ConsumerConfig(
        name=f"{prefix}crash",
        topics=(TOPIC,),
        bootstrap_servers=stack.bootstrap,
        topic_prefix=prefix,
    )
    tracer = setup_telemetry("test").tracer("test")

    async def die(record: ConsumerRecord) -> None:
        raise Crash

    first = InboxConsumer(pool, config, record_effect, tracer, on_processed=die)
    with pytest.raises(Crash):
        await asyncio.wait_for(first.run(), 30)
    # The effect of the first event committed, but its offset did not.
    assert await pool.fetchval("SELECT count(*) FROM effects") == 1

    second = InboxConsumer(pool, config, record_effect, tracer)
    async with running(second):
        async with asyncio.timeout(30):
            while second.processed + second.skipped < len(written):
                await asyncio.sleep(0.05)
    assert second.skipped == 1  # the redelivered first event
    rows = await pool.fetch("SELECT event_id FROM effects")
    assert sorted(r["event_id"] for r in rows) == sorted(e.id for e in written)


async def test_two_relays_publish_everything_in_order_per_key(pool, stack, prefix):
    relays = [relay_for(pool, stack.bootstrap, prefix) for _ in range(2)]

    async def writer(w: int) -> list[CloudEvent]:
        # Each writer owns its keys, as a use case owns the entity it changes.
        return [await write(pool, f"w{w}-k{i % 4}", i) for i in range(50)]

    async with running(*relays):
        written = [
            e for batch in await asyncio.gather(*(writer(w) for w in range(8))) for e in batch
        ]
        async with asyncio.timeout(30):
            while sum(r.published for r in relays) < len(written):
                await asyncio.sleep(0.05)
    records = await read_topic(stack.bootstrap, prefix, len(written))
    assert sorted(decode_event(r.value).id for r in records) == sorted(e.id for e in written)
    assert_order_per_key(records)
    assert all(r.published > 0 for r in relays) or sum(r.published for r in relays) == 400


class CountingRelay(OutboxRelay):
    passes = 0

    async def publish_pending(self) -> int:
        self.passes += 1
        return await super().publish_pending()


async def test_a_relay_whose_shards_are_all_held_elsewhere_sleeps_through_new_rows(
    pool, stack, prefix
):
    """Each commit notifies every relay; one that found all shards taken would otherwise make
    an empty pass per commit. It waits its poll interval instead, then takes over."""
    await ensure_topics(stack.bootstrap, prefix=prefix)
    relay = CountingRelay(
        pool,
        RelayConfig(bootstrap_servers=stack.bootstrap, topic_prefix=prefix, poll_interval=1.0),
        lambda: new_producer(stack.bootstrap),
        setup_telemetry("test").tracer("test"),
    )
    holder = await pool.acquire()
    holding = holder.transaction()
    await holding.start()
    await holder.execute(
        "SELECT pg_advisory_xact_lock($1, s) FROM generate_series(0, 15) AS s", 0x6234_6F62
    )
    async with running(relay):
        await asyncio.sleep(0.1)  # its first pass finds every shard held
        written = [await write(pool, f"k{i}", i) for i in range(20)]  # 20 notifications
        await asyncio.sleep(0.3)
        assert relay.passes == 1 and relay.published == 0
        await holding.rollback()  # the other relay is gone
        await pool.release(holder)
        async with asyncio.timeout(10):
            while relay.published < len(written):
                await asyncio.sleep(0.05)
    records = await read_topic(stack.bootstrap, prefix, len(written))
    assert sorted(decode_event(r.value).id for r in records) == sorted(e.id for e in written)


async def test_consumer_span_joins_the_producer_trace(pool, stack, prefix):
    exporter = InMemorySpanExporter()
    telemetry = setup_telemetry("test", span_exporter=exporter)
    tracer = telemetry.tracer("test")
    with tracer.start_as_current_span("POST /credentials") as request_span:
        ev = await write(pool, "traced", 1)
    trace_id = request_span.get_span_context().trace_id
    await relay_for(pool, stack.bootstrap, prefix, tracer).publish_pending()
    consumer = InboxConsumer(
        pool,
        ConsumerConfig(
            name=f"{prefix}trace",
            topics=(TOPIC,),
            bootstrap_servers=stack.bootstrap,
            topic_prefix=prefix,
        ),
        record_effect,
        tracer,
    )
    async with running(consumer):
        async with asyncio.timeout(30):
            while consumer.processed < 1:
                await asyncio.sleep(0.05)
    telemetry.tracer_provider.force_flush()
    spans = {s.name: s for s in exporter.get_finished_spans()}
    process = spans[f"process {topic_name(TOPIC, prefix)}"]
    assert process.context.trace_id == trace_id
    assert spans[f"publish {TOPIC}"].context.trace_id == trace_id
    assert msgspec.json.decode(encode_event(ev))["id"] == ev.id


async def test_an_unsampled_trace_passes_through_the_relay_unchanged(pool, stack, prefix):
    """A trace sampled out upstream gets no publish span; its context reaches Kafka as it was
    written, so consumers still continue (and still do not record) that trace."""
    exporter = InMemorySpanExporter()
    telemetry = setup_telemetry("test", span_exporter=exporter)
    unsampled = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"
    async with pool.acquire() as conn, conn.transaction():
        event = new_event(source="urn:test", type="test.event", data={"n": 1}, subject="s")
        entry = OutboxEntry(TOPIC, "quiet", event, {"traceparent": unsampled})
        await enqueue_many(conn, [entry], SHARDS)
    await relay_for(pool, stack.bootstrap, prefix, telemetry.tracer("test")).publish_pending()
    (record,) = await read_topic(stack.bootstrap, prefix, 1)
    assert dict(record.headers) == {"traceparent": unsampled.encode()}
    telemetry.tracer_provider.force_flush()
    assert not exporter.get_finished_spans()


async def test_published_rows_are_purged_after_the_retention(pool, stack, prefix):
    written = [await write(pool, "kept", n) for n in range(4)]
    relay = relay_for(pool, stack.bootstrap, prefix)
    assert await relay.publish_pending() == 4
    pending = await write(pool, "pending", 1)  # never published: never purged
    await pool.execute(
        "UPDATE outbox SET published_at = now() - interval '2 hours', created_at = now()"
        " - interval '2 hours' WHERE event_id = ANY($1::uuid[])",
        [uuid.UUID(e.id) for e in written[:3]],
    )
    assert await relay.purge_published(chunk=2) == 3
    left = await pool.fetch("SELECT event_id FROM outbox ORDER BY id")
    assert [str(r["event_id"]) for r in left] == [written[3].id, pending.id]
