"""Signing and publishing status-list credentials: each change is a new, higher version."""

from __future__ import annotations

import uuid

from b4g.core.events.payloads import StatusListPublishedV1
from b4g.core.events.topics import STATUS_LIST_PUBLISHED
from b4g.core.infra.db import Conn
from b4g.core.statuslist import set_status
from b4g.issuer.domain.signing import sign_status_list
from b4g.issuer.domain.status import status_list_url
from b4g.issuer.domain.timestamps import xsd_datetime
from b4g.issuer.store import status_lists as store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.events import record_event
from b4g.issuer.usecases.issuers import SigningKey


async def publish_list(
    conn: Conn, ctx: IssuerContext, list_id: uuid.UUID, issuer_did: str, key: SigningKey
) -> int:
    """Signs the list's current bits as its current version (a new list: version 1)."""
    state = await store.lock_list(conn, list_id)
    return await _sign_and_publish(conn, ctx, state, state.bits, state.version, issuer_did, key)


async def set_status_bit(
    conn: Conn,
    ctx: IssuerContext,
    list_id: uuid.UUID,
    index: int,
    value: bool,
    issuer_did: str,
    key: SigningKey,
) -> int:
    """Sets or clears one entry and publishes the list as the next version; returns it."""
    state = await store.lock_list(conn, list_id)  # one writer per list: versions only grow
    bits = bytearray(state.bits)
    set_status(bits, index, int(value))
    return await _sign_and_publish(
        conn, ctx, state, bytes(bits), state.version + 1, issuer_did, key
    )


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
