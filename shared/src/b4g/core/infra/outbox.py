"""Transactional outbox: events are rows written with the state change, published by a relay
(`b4g.core.infra.relay`).

Order per key: every row carries a shard derived from its key; a relay publishes a shard only
while holding that shard's advisory lock, in id order, so replicas share the work without ever
publishing two rows of one key concurrently. Delivery is at least once; consumers de-duplicate.
"""

from __future__ import annotations

import logging
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from b4g.core.events.envelope import CloudEvent, encode_event
from b4g.core.infra.db import Conn
from b4g.core.infra.telemetry import current_trace_headers

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "b4g_outbox"


def shard_of(key: str, shards: int) -> int:
    return zlib.crc32(key.encode()) % shards


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    topic: str
    key: str
    event: CloudEvent
    trace_headers: dict[str, str]  # the `traceparent` of the work that made the event


async def enqueue(conn: Conn, *, topic: str, key: str, event: CloudEvent, shards: int) -> None:
    """Write `event` to the outbox. Call inside the transaction that makes the state change."""
    await enqueue_many(conn, [OutboxEntry(topic, key, event, current_trace_headers())], shards)


_INSERT = (
    "WITH written AS (INSERT INTO outbox (event_id, topic, key, shard, value, headers)"
    " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::smallint[], $5::bytea[],"
    " $6::jsonb[]) RETURNING 1) SELECT pg_notify($7, '') FROM written LIMIT 1"
)


async def enqueue_many(conn: Conn, entries: Sequence[OutboxEntry], shards: int) -> None:
    """Write several events in one statement (and wake the relays), inside the caller's
    transaction."""
    if not entries:
        return
    await conn.execute(
        _INSERT,
        [uuid.UUID(entry.event.id) for entry in entries],
        [entry.topic for entry in entries],
        [entry.key for entry in entries],
        [shard_of(entry.key, shards) for entry in entries],
        [encode_event(entry.event) for entry in entries],
        [entry.trace_headers for entry in entries],
        NOTIFY_CHANNEL,
    )
