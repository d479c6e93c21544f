"""Inbox consumer: an event's effect and its inbox row commit together; offsets commit after.

Redelivered events find their id in the inbox and are skipped, so effects happen exactly once
even though Kafka delivers at least once. A handler that keeps failing on one event has the
event moved to `dead_letters` (with its inbox row, in one transaction) so the partition moves on;
database or broker outages are retried until they end, never dead-lettered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import msgspec
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from b4g.core.events.envelope import CloudEvent, decode_event
from b4g.core.events.topics import topic_name
from b4g.core.infra.db import Conn
from b4g.core.infra.kafka import new_consumer
from b4g.core.infra.supervise import Health
from b4g.core.infra.telemetry import extract_context

log = logging.getLogger(__name__)

Handler = Callable[[Conn, CloudEvent], Awaitable[None]]
ProcessedHook = Callable[[ConsumerRecord[bytes, bytes]], Awaitable[None]]
CaughtUpHook = Callable[[], Awaitable[None]]
_TRANSIENT = (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError, TimeoutError)


@dataclass(frozen=True, slots=True)
class ConsumerConfig:
    name: str  # consumer group and inbox namespace, e.g. "registry.credentials"
    topics: tuple[str, ...]  # logical topic names from b4g.core.events.topics
    bootstrap_servers: str
    topic_prefix: str = ""
    max_attempts: int = 5
    retry_backoff: float = 0.2
    stale_after: float = 30.0  # seconds without a completed poll before `/ready` says so


class InboxConsumer:
    def __init__(
        self,
        pool: asyncpg.Pool,
        config: ConsumerConfig,
        handler: Handler,
        tracer: trace.Tracer,
        *,
        on_processed: ProcessedHook | None = None,
        on_caught_up: CaughtUpHook | None = None,
    ) -> None:
        self._pool = pool
        self._config = config
        self._handler = handler
        self._tracer = tracer
        self._on_processed = on_processed
        self._on_caught_up = on_caught_up
        self._stopping = asyncio.Event()
        self.processed = 0
        self.skipped = 0
        self.dead_lettered = 0
        self.started = asyncio.Event()
        self.health = Health(f"consumer {config.name}", stale_after=config.stale_after)
        self._positions: dict[TopicPartition, int] = {}  # next offset to process, per partition

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        """Consume until `stop()`. On stop, offsets of processed events are committed first."""
        consumer = new_consumer(
            self._config.bootstrap_servers,
            # The group shares the topics' prefix: environments on one cluster never share a
            # group (a departed member of another environment would stall every rebalance).
            topic_name(self._config.name, self._config.topic_prefix),
            [topic_name(t, self._config.topic_prefix) for t in self._config.topics],
        )
        await consumer.start()
        self.started.set()
        try:
            while not self._stopping.is_set():
                batches = await consumer.getmany(timeout_ms=200)
                self._rewind_if_forgotten(consumer)
                if not batches and consumer.assignment() and self._on_caught_up is not None:
                    await self._caught_up()
                done: dict[TopicPartition, int] = {}
                for partition, records in batches.items():
                    for record in records:
                        if self._stopping.is_set():
                            break
                        await self._process(record)
                        done[partition] = record.offset + 1
                self._positions.update(done)
                await self._commit(consumer, done)
                self._measure_lag(consumer)
                self.health.progressed()
        finally:
            await consumer.stop()

    def _rewind_if_forgotten(self, consumer: AIOKafkaConsumer) -> None:
        """A partition whose end is now before what we already processed was lost by the broker
        (re-created topics, a broker that kept its data in memory): its offsets mean other
        events now. Read it again from the start; the inbox skips what was applied already."""
        for partition in consumer.assignment() & self._positions.keys():
            position, end = self._positions[partition], consumer.highwater(partition)
            if end is not None and end < position:
                log.warning(
                    "inbox: the broker forgot events already processed; re-reading",
                    extra={
                        "topic": partition.topic,
                        "partition": partition.partition,
                        "position": position,
                        "end": end,
                    },
                )
                del self._positions[partition]
                consumer.seek_to_beginning(partition)

    def _measure_lag(self, consumer: AIOKafkaConsumer) -> None:
        """Events on the broker not yet processed, over the partitions this member has read."""
        lag = 0
        for partition in consumer.assignment():
            end, position = consumer.highwater(partition), self._positions.get(partition)
            if end is not None and position is not None:
                lag += max(0, end - position)
        self.health.detail["lag"] = float(lag)

    async def _caught_up(self) -> None:
        """Nothing left to read on any assigned partition: tell whoever judges freshness."""
        assert self._on_caught_up is not None
        try:
            await self._on_caught_up()
        except _TRANSIENT as exc:
            log.warning("caught-up hook failed", extra={"error": str(exc)})

    async def _commit(self, consumer: AIOKafkaConsumer, done: dict[TopicPartition, int]) -> None:
        if not done:
            return
        try:
            await consumer.commit(done)
        except (CommitFailedError, KafkaError) as exc:
            # Partitions moved to another member: it re-reads them and the inbox skips repeats.
            log.warning("offset commit failed", extra={"error": str(exc)})

    async def _process(self, record: ConsumerRecord[bytes, bytes]) -> None:
        headers = {k: v.decode("latin-1") for k, v in (record.headers or ())}
        with self._tracer.start_as_current_span(
            f"process {record.topic}",
            context=extract_context(headers),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.name": "process",
                "messaging.operation.type": "process",
                "messaging.destination.name": record.topic,
                "messaging.destination.partition.id": str(record.partition),
                "messaging.consumer.group.name": self._config.name,
                "messaging.kafka.offset": record.offset,
                "messaging.kafka.message.key": (record.key or b"").decode("utf-8", "replace"),
            },
        ):
            try:
                event = decode_event(record.value or b"")
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                await self._dead_letter(record, None, f"undecodable event: {exc}", attempts=1)
                return
            attempt = 0
            while True:
                attempt += 1
                try:
                    applied = await self._apply(record, event)
                    break
                except _TRANSIENT as exc:
                    # Infrastructure is down: wait for it, however long, unless stopping.
                    self.health.failed(exc)
                    log.warning("inbox: database unavailable, retrying", extra={"error": str(exc)})
                    if self._stopping.is_set():
                        raise
                    await asyncio.sleep(min(self._config.retry_backoff * attempt, 5))
                    attempt = 0
                except Exception as exc:
                    if attempt >= self._config.max_attempts:
                        log.exception(
                            "inbox: handler failed, dead-lettering", extra={"event_id": event.id}
                        )
                        await self._dead_letter(record, event, repr(exc), attempts=attempt)
                        return
                    await asyncio.sleep(self._config.retry_backoff * attempt)
            if applied:
                self.processed += 1
            else:
                self.skipped += 1
        if self._on_processed is not None:
            await self._on_processed(record)

    async def _apply(self, record: ConsumerRecord[bytes, bytes], event: CloudEvent) -> bool:
        async with self._pool.acquire() as conn, conn.transaction():
            if not await self._record_inbox(conn, record, event.id):
                return False
            await self._handler(conn, event)
            return True

    async def _record_inbox(
        self, conn: Conn, record: ConsumerRecord[bytes, bytes], event_id: str
    ) -> bool:
        inserted = await conn.fetchval(
            'INSERT INTO inbox (consumer, event_id, topic, partition, "offset")'
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING true",
            self._config.name,
            event_id,
            record.topic,
            record.partition,
            record.offset,
        )
        return bool(inserted)

    async def _dead_letter(
        self,
        record: ConsumerRecord[bytes, bytes],
        event: CloudEvent | None,
        error: str,
        *,
        attempts: int,
    ) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            if event is not None and not await self._record_inbox(conn, record, event.id):
                return
            await conn.execute(
                'INSERT INTO dead_letters (consumer, topic, partition, "offset", key, value,'
                " error, attempts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                self._config.name,
                record.topic,
                record.partition,
                record.offset,
                record.key,
                record.value,
                error,
                attempts,
            )
        self.dead_lettered += 1
