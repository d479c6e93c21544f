"""Writing events to the outbox inside the caller's transaction."""

from __future__ import annotations

from b4g.core.events.envelope import new_event
from b4g.core.events.payloads import Payload
from b4g.core.events.topics import EVENT_TOPIC
from b4g.core.infra.db import Conn
from b4g.core.infra.outbox import OutboxEntry, enqueue_many
from b4g.core.infra.telemetry import current_trace_headers
from b4g.issuer.usecases.context import IssuerContext


def outbox_entry(
    ctx: IssuerContext,
    *,
    event_type: str,
    key: str,
    payload: Payload,
    subject: str,
    trace_headers: dict[str, str],
) -> OutboxEntry:
    event = new_event(
        source=ctx.source, type=event_type, data=payload, subject=subject, now=ctx.clock()
    )
    return OutboxEntry(EVENT_TOPIC[event_type], key, event, trace_headers)


async def record_event(
    conn: Conn, ctx: IssuerContext, *, event_type: str, key: str, payload: Payload, subject: str
) -> None:
    entry = outbox_entry(
        ctx,
        event_type=event_type,
        key=key,
        payload=payload,
        subject=subject,
        trace_headers=current_trace_headers(),
    )
    await enqueue_many(conn, [entry], ctx.outbox_shards)
