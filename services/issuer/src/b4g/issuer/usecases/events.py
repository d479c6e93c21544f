"""Writing events to the outbox inside the caller's transaction."""

from __future__ import annotations

from b4g.core.events.envelope import new_event
from b4g.core.events.payloads import Payload
from b4g.core.events.topics import EVENT_TOPIC
from b4g.core.infra.db import Conn
from b4g.core.infra.outbox import enqueue
from b4g.issuer.usecases.context import IssuerContext


async def record_event(
    conn: Conn, ctx: IssuerContext, *, event_type: str, key: str, payload: Payload, subject: str
) -> None:
    event = new_event(
        source=ctx.source, type=event_type, data=payload, subject=subject, now=ctx.clock()
    )
    await enqueue(
        conn, topic=EVENT_TOPIC[event_type], key=key, event=event, shards=ctx.outbox_shards
    )
