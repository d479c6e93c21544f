"""After the broker lost events it had acknowledged, publish the current state of the compacted
topics again: every issuer profile with its keys, and every status list's latest signed
credential (same version: a verifier that still has it ignores the repeat, one that lost it or
starts afresh gets it). Rows still in the outbox go out again on their own."""

from __future__ import annotations

from b4g.core.events.payloads import StatusListPublishedV1
from b4g.core.events.topics import STATUS_LIST_PUBLISHED
from b4g.issuer.domain.status import status_list_url
from b4g.issuer.store import issuers as issuer_store
from b4g.issuer.store import status_lists as list_store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.events import record_event
from b4g.issuer.usecases.issuers import publish_profile


async def republish_state(ctx: IssuerContext) -> int:
    """Enqueue the current profiles and status lists in one transaction; how many events."""
    async with ctx.pool.acquire() as conn, conn.transaction():
        issuers = await issuer_store.all_issuers(conn)
        for issuer in issuers:
            await publish_profile(conn, ctx, issuer)
        lists = await list_store.published_lists(conn)
        for published in lists:
            url = status_list_url(ctx.verifier_base_url, published.id)
            await record_event(
                conn,
                ctx,
                event_type=STATUS_LIST_PUBLISHED,
                key=str(published.id),
                payload=StatusListPublishedV1(
                    list_id=str(published.id),
                    url=url,
                    purpose=published.purpose,
                    version=published.version,
                    credential=published.credential,
                ),
                subject=url,
            )
    return len(issuers) + len(lists)
