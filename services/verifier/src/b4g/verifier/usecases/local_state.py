"""Use cases that keep the verifier's local copies current and read them."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from b4g.core.events.envelope import CloudEvent
from b4g.core.events.payloads import (
    IssuanceWitnessedV1,
    IssuerUpsertedV1,
    StatusListPublishedV1,
    TrustUpdatedV1,
    decode_payload,
)
from b4g.core.infra.db import Conn
from b4g.verifier.domain.status_lists import served_list
from b4g.verifier.store import local_state as store
from b4g.verifier.store import witnesses
from b4g.verifier.store.local_state import StoredList

LOCAL_STATE_CONSUMER = "verifier.local-state"


class UnexpectedPayload(Exception):
    """An event on a topic carried a payload this consumer does not handle."""


async def apply_event(conn: Conn, event: CloudEvent) -> None:
    """Inbox handler for every topic the verifier consumes (runs in the inbox transaction)."""
    payload = decode_payload(event.data)
    if isinstance(payload, StatusListPublishedV1):
        served = served_list(payload.credential)
        await store.upsert_status_list(
            conn,
            list_id=payload.list_id,
            url=payload.url,
            purpose=payload.purpose,
            version=payload.version,
            credential=payload.credential,
            body=served.body,
            etag=served.etag,
            ttl_seconds=served.ttl_seconds,
        )
    elif isinstance(payload, IssuerUpsertedV1):
        await store.upsert_issuer(
            conn,
            issuer_id=payload.issuer_id,
            did=payload.did,
            profile=payload.profile,
            methods=[(m.id, m.public_key_multibase, m.state) for m in payload.verification_methods],
        )
    elif isinstance(payload, TrustUpdatedV1):
        await store.upsert_trust(conn, payload.did, payload.state)
    elif isinstance(payload, IssuanceWitnessedV1):
        seen = datetime.fromisoformat(payload.seen_at.replace("Z", "+00:00"))
        await witnesses.upsert(
            conn, bytes.fromhex(payload.credential_hash), payload.issuer_did, seen
        )
    else:
        raise UnexpectedPayload(type(payload).__name__)


async def read_status_list(pool: asyncpg.Pool, list_id: str) -> StoredList | None:
    async with pool.acquire() as conn:
        return await store.status_list(conn, list_id)


async def mark_caught_up(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await store.mark_caught_up(conn, LOCAL_STATE_CONSUMER)
