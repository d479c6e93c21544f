"""The outbox relay publishes outbox rows to Kafka; run one per replica, as many as you like.
Order per key: every row carries a shard derived from its key; a relay publishes a shard only
while holding that shard's advisory lock, in id order, so replicas share the work without ever
publishing two rows of one key concurrently. Delivery is at least once; consumers de-duplicate.
Every failure is retried inside the relay; a broker that lost acknowledged events gets the kept
rows (and, through `on_broker_loss`, the service's current state) again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind

from b4g.core.events.topics import topic_name
from b4g.core.infra.broker_memory import CHECK_EVERY_SECONDS, BrokerMemory
from b4g.core.infra.db import DATABASE_DOWN
from b4g.core.infra.kafka import ensure_topics
from b4g.core.infra.listen import CommitListener
from b4g.core.infra.supervise import Health, describe
from b4g.core.infra.telemetry import extract_context, inject_headers

log = logging.getLogger(__name__)

_LOCK_NAMESPACE = 0x6234_6F62  # "b4ob": advisory-lock namespace of outbox shards


_PURGE = (
    "WITH gone AS (DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $2)"
    " AND published_at < now() - make_interval(secs => $1) RETURNING 1)"
    " SELECT count(*) FROM gone"
)


# The oldest unpublished row of every shard, each the first entry of its partial index.
_BACKLOG_AGE = (
    "SELECT extract(epoch FROM now() - min(o.created_at)) FROM generate_series(0, $1 - 1) AS s,"
    " LATERAL (SELECT created_at FROM outbox WHERE shard = s AND published_at IS NULL"
    " ORDER BY id LIMIT 1) AS o"
)
_MEASURE_EVERY_SECONDS = 5.0
# Every row still kept (published within the retention) goes out again, in id order.
_REPUBLISH = (
    "WITH again AS (UPDATE outbox SET published_at = NULL WHERE published_at IS NOT NULL"
    " RETURNING 1) SELECT count(*) FROM again"
)
# Outages the relay waits out; anything else is also retried, but logged with its traceback.
_EXPECTED_OUTAGES = (KafkaError, *DATABASE_DOWN)


def _unsampled(parent: Context) -> bool:
    """The context continues a trace whose spans are not recorded (sampled out upstream)."""
    span_context = trace.get_current_span(parent).get_span_context()
    return span_context.is_valid and not span_context.trace_flags.sampled


@dataclass(frozen=True, slots=True)
class RelayConfig:
    bootstrap_servers: str
    topic_prefix: str = ""
    shards: int = 16
    batch_size: int = 500
    poll_interval: float = 0.5
    max_backoff: float = 5.0
    retention: float = 3600.0  # seconds a published row is kept before it is purged
    purge_interval: float = 60.0
    stale_after: float = 30.0  # seconds without a successful pass before `/ready` says so


ProducerFactory = Callable[[], AIOKafkaProducer]


class OutboxRelay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        config: RelayConfig,
        producer_factory: ProducerFactory,
        tracer: trace.Tracer,
        on_broker_loss: Callable[[], Awaitable[int]] | None = None,
    ) -> None:
        self._pool = pool
        # Publishes the service's current state of compacted topics again (older than the rows
        # the outbox still keeps) once the broker is found to have lost events.
        self._on_broker_loss = on_broker_loss
        self._config = config
        self._producer_factory = producer_factory
        self._tracer = tracer
        self._producer: AIOKafkaProducer | None = None
        self._wakeup = asyncio.Event()
        self._stopping = asyncio.Event()
        self._shards_held_elsewhere = False  # by the last pass
        self._listener = CommitListener(pool, self._wakeup)
        self._measured_at = 0.0
        self._memory = BrokerMemory(config.bootstrap_servers)
        self._memory_checked_at = time.monotonic()
        self.published = 0
        self.republished = 0  # rows published again after the broker lost them
        self.health = Health("outbox relay", stale_after=config.stale_after)

    async def run(self) -> None:
        """Publish until `stop()`. Any failure (broker, database, a bug) is logged, backed off
        and retried here; `health` says whether passes are succeeding."""
        backoff = 0.1
        purged_at = time.monotonic()
        try:
            while not self._stopping.is_set():
                try:
                    await self._listener.ensure()
                    sent = await self.publish_pending()
                    if time.monotonic() - purged_at > self._config.purge_interval:
                        purged_at = time.monotonic()
                        await self.purge_published()
                    await self._measure_backlog()
                    await self._check_broker_memory()
                    self.health.progressed()
                    backoff = 0.1
                except Exception as exc:
                    self.health.failed(exc)
                    log.warning(
                        "outbox relay: publishing failed, retrying",
                        exc_info=not isinstance(exc, _EXPECTED_OUTAGES),
                        extra={"error": describe(exc), "backoff_s": backoff},
                    )
                    await self._drop_producer()
                    await self._sleep(backoff)
                    backoff = min(backoff * 2, self._config.max_backoff)
                    continue
                if sent == 0:
                    # While other relays hold every shard, new rows are theirs to publish: wait
                    # without waking on notifications, or every commit would cost an empty pass.
                    await self._sleep(
                        self._config.poll_interval, wake_on_notify=not self._shards_held_elsewhere
                    )
        finally:
            await self._listener.close()
            await self._drop_producer()
            await self._memory.close()

    async def _check_broker_memory(self) -> None:
        """Every few seconds: did the broker lose events it acknowledged? Then publish again
        what the outbox still keeps, to re-created topics through a new producer."""
        if time.monotonic() - self._memory_checked_at < CHECK_EVERY_SECONDS:
            return
        self._memory_checked_at = time.monotonic()
        lost = await self._memory.lost_events()
        if lost is None:
            return
        await self._drop_producer()  # the next pass re-creates the topics
        async with self._pool.acquire() as conn:
            again: int = await conn.fetchval(_REPUBLISH)
        self._memory.forget()
        if self._on_broker_loss is not None:
            again += await self._on_broker_loss()
        self.republished += again
        log.error(
            "outbox relay: the broker lost events it had acknowledged; publishing again",
            extra={"reason": lost, "rows": again},
        )
        self._wakeup.set()

    async def _measure_backlog(self) -> None:
        """The age of the oldest unpublished row (first entry of each shard's partial index),
        every few seconds: what `/ready` and the backlog gauge report."""
        if time.monotonic() - self._measured_at < _MEASURE_EVERY_SECONDS:
            return
        async with self._pool.acquire() as conn:
            age = await conn.fetchval(_BACKLOG_AGE, self._config.shards)
        self._measured_at = time.monotonic()
        self.health.detail["backlog_age_s"] = float(age or 0.0)

    def stop(self) -> None:
        self._stopping.set()
        self._wakeup.set()

    async def publish_pending(self) -> int:
        """One pass: lock every shard no other relay holds, publish their oldest rows in id
        order, mark them published; all in one transaction. Returns rows published."""
        async with self._pool.acquire() as conn, conn.transaction():
            shards = await conn.fetchval(
                "SELECT coalesce(array_agg(s), '{}') FROM generate_series(0, $2 - 1) AS s"
                " WHERE pg_try_advisory_xact_lock($1, s)",
                _LOCK_NAMESPACE,
                self._config.shards,
            )
            self._shards_held_elsewhere = not shards
            if not shards:
                return 0
            rows = await conn.fetch(
                "SELECT id, topic, key, value, headers FROM outbox"
                " WHERE shard = ANY($1::smallint[]) AND published_at IS NULL"
                " ORDER BY id LIMIT $2",
                shards,
                self._config.batch_size,
            )
            if not rows:
                return 0
            await self._send(rows)
            await conn.execute(
                "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])",
                [row["id"] for row in rows],
            )
        self.published += len(rows)
        return len(rows)

    async def purge_published(self, chunk: int = 5000) -> int:
        """Deletes rows published longer than the retention ago, oldest first, a chunk of the
        oldest ids at a time (so no scan of the table); returns how many."""
        purged = 0
        while True:
            async with self._pool.acquire() as conn:
                deleted: int = await conn.fetchval(_PURGE, self._config.retention, chunk)
            purged += deleted
            if deleted < chunk:
                return purged

    async def _send(self, rows: Sequence[asyncpg.Record]) -> None:
        producer = await self._ensure_producer()
        futures = []
        for row in rows:
            parent = extract_context(row["headers"])
            if _unsampled(parent):
                # Nobody records this trace: its context goes on as it came, without a span
                # that would not be recorded anyway (a cost per event).
                futures.append(await self._publish(producer, row, row["headers"]))
                continue
            with self._tracer.start_as_current_span(
                f"publish {row['topic']}",
                context=parent,
                kind=SpanKind.PRODUCER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.operation.name": "send",
                    "messaging.operation.type": "send",
                    "messaging.destination.name": row["topic"],
                    "messaging.kafka.message.key": row["key"],
                },
            ):
                carrier: dict[str, str] = {}
                inject_headers(carrier)
                futures.append(await self._publish(producer, row, carrier))
        self._memory.note(await asyncio.wait_for(asyncio.gather(*futures), timeout=30))

    async def _publish(
        self, producer: AIOKafkaProducer, row: asyncpg.Record, trace_headers: dict[str, str]
    ) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = await producer.send(
            topic_name(row["topic"], self._config.topic_prefix),
            key=row["key"].encode(),
            value=bytes(row["value"]),
            headers=[(k, v.encode()) for k, v in trace_headers.items()],
        )
        return future

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            # A broker that lost its state (Tansu keeps it in memory) needs the topics again.
            await ensure_topics(self._config.bootstrap_servers, prefix=self._config.topic_prefix)
            producer = self._producer_factory()
            try:
                await asyncio.wait_for(producer.start(), timeout=10)
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def _drop_producer(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            try:
                await asyncio.wait_for(producer.stop(), timeout=5)
            except (KafkaError, OSError, TimeoutError):
                pass

    async def _sleep(self, seconds: float, *, wake_on_notify: bool = True) -> None:
        try:
            await asyncio.wait_for(
                (self._wakeup if wake_on_notify else self._stopping).wait(), timeout=seconds
            )
        except TimeoutError:
            pass
        self._wakeup.clear()
