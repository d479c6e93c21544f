"""Signing and publishing status-list credentials: each publication is a new, higher version.

Status changes only flip a bit and mark the list dirty (`mark_status`); a publisher loop in every
replica re-signs each dirty list at most once per interval (`publish_due_lists`). The list row
is locked while it is signed and versions only grow, whichever replica publishes.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from b4g.core.events.payloads import StatusListPublishedV1
from b4g.core.events.topics import STATUS_LIST_PUBLISHED
from b4g.core.infra.db import Conn
from b4g.issuer.domain.signing import sign_status_list
from b4g.issuer.domain.status import pg_bit_number, status_list_url
from b4g.issuer.domain.timestamps import xsd_datetime
from b4g.issuer.store import issuers as issuer_store
from b4g.issuer.store import status_lists as store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.events import record_event
from b4g.issuer.usecases.issuers import SigningKey, signing_key

log = logging.getLogger(__name__)


async def publish_list(
    conn: Conn, ctx: IssuerContext, list_id: uuid.UUID, issuer_did: str, key: SigningKey
) -> int:
    """Signs the list's current bits as its current version (a new list: version 1)."""
    state = await store.lock_list(conn, list_id)
    return await _sign_and_publish(conn, ctx, state, state.bits, state.version, issuer_did, key)


async def mark_status(conn: Conn, list_id: uuid.UUID, index: int, value: bool) -> int:
    """Sets or clears one entry and marks the list for re-signing; returns the version that
    will carry the change (the publisher signs it within an interval)."""
    return await store.mark_bit(conn, list_id, pg_bit_number(index), value)


async def publish_due_lists(ctx: IssuerContext, *, interval: float, batch: int = 100) -> int:
    """Re-signs every dirty list not re-signed within `interval` seconds, once, each as its next
    version with one `status-list.published`; returns how many were published. A list another
    replica is publishing is skipped (it is that replica's)."""
    async with ctx.pool.acquire() as conn:
        due = await store.due_lists(conn, interval, batch)
    published = 0
    for list_id in due:
        async with ctx.pool.acquire() as conn, conn.transaction():
            state = await store.claim_due_list(conn, list_id, interval)
            if state is None:
                continue
            issuer = await issuer_store.get_issuer(conn, state.issuer_id, platform_id=None)
            assert issuer is not None
            key = await signing_key(conn, ctx, issuer.id)
            await _sign_and_publish(
                conn, ctx, state, state.bits, state.version + 1, issuer.did, key
            )
            published += 1
    return published


async def run_publisher(ctx: IssuerContext, *, interval: float) -> None:
    """Every `interval` seconds, re-sign what changed: a burst of status changes to one list
    becomes one new version per interval, and a change is published within about two."""
    while True:
        try:
            await publish_due_lists(ctx, interval=interval)
        except Exception as exc:  # database away, say: the lists stay dirty for the next round
            log.warning("status-list publishing failed, will retry", extra={"error": str(exc)})
        await asyncio.sleep(interval)


async def _sign_and_publish(
    conn: Conn,
    ctx: IssuerContext,
    state: store.ListState,
    bits: bytes,
    version: int,
    issuer_did: str,
    key: SigningKey,
) -> int:
    url = status_list_url(ctx.verifier_base_url, state.id)
    credential = sign_status_list(
        url=url,
        issuer_did=issuer_did,
        purpose=state.purpose,
        bits=bits,
        valid_from=xsd_datetime(ctx.clock()),
        pair=key.pair,
        verification_method=key.verification_method,
        rdf=ctx.rdf,
    )
    await store.save_list(conn, state.id, bits=bits, version=version, credential=credential)
    payload = StatusListPublishedV1(
        list_id=str(state.id),
        url=url,
        purpose=state.purpose,
        version=version,
        credential=credential,
    )
    await record_event(
        conn,
        ctx,
        event_type=STATUS_LIST_PUBLISHED,
        key=str(state.id),
        payload=payload,
        subject=url,
    )
    return version
