"""Trust states: published through the outbox whenever a change affects a DID, and read by
every verification (from memory for up to a moment)."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from b4g.core.events.envelope import new_event
from b4g.core.events.payloads import TrustUpdatedV1
from b4g.core.events.topics import REGISTRY_TRUST, TRUST_UPDATED
from b4g.core.infra.db import Conn
from b4g.core.infra.outbox import enqueue
from b4g.core.trust import TrustState
from b4g.registry.domain import trqp
from b4g.registry.domain.errors import BadTime, NotFound
from b4g.registry.domain.trqp import TrustAtMoment, trust_at_moment
from b4g.registry.domain.trust_state import Organisation, trust_state
from b4g.registry.store import dids as did_store
from b4g.registry.store import grants as grant_store
from b4g.registry.store import organisations as org_store
from b4g.registry.store import public as public_store
from b4g.registry.usecases.context import RegistryContext

NOT_PROVEN = "this DID is not a proven DID of a registered organisation"


async def publish(ctx: RegistryContext, conn: Conn, org: Organisation, did: str) -> TrustState:
    """Publish the DID's full trust state (inside the caller's transaction)."""
    row = await did_store.did_row(conn, did)
    assert row is not None
    state = trust_state(
        org,
        row,
        await did_store.next_trust_sequence(conn, did),
        await grant_store.latest_grant(conn, org.id),
        await grant_store.grant_history(conn, org.id),
    )
    event = new_event(
        source=ctx.source,
        type=TRUST_UPDATED,
        subject=did,
        data=TrustUpdatedV1(did=did, state=msgspec.to_builtins(state)),
    )
    # The shard count the relay polls: with another count, events would go unpublished.
    await enqueue(conn, topic=REGISTRY_TRUST, key=did, event=event, shards=ctx.outbox_shards)
    ctx.trust_cache.discard(did)
    return state


async def current(conn: Conn, did: str) -> TrustState | None:
    """The published trust state of a proven DID as it stands (None for unknown or unproven)."""
    row = await did_store.did_row(conn, did)
    org = await org_store.organisation(conn, row.organisation_id) if row else None
    if row is None or org is None or row.proven_at is None:
        return None
    return trust_state(
        org,
        row,
        int(row.trust_sequence),
        await grant_store.latest_grant(conn, org.id),
        await grant_store.grant_history(conn, org.id),
    )


async def trust(ctx: RegistryContext, did: str) -> TrustState:
    """The hottest read of the network (every verification may ask): answered from memory
    for up to TRUST_CACHE_SECONDS; this process's own changes drop their entry at once."""

    async def load() -> TrustState | None:
        async with ctx.pool.acquire() as conn:
            return await current(conn, did)

    found = await ctx.trust_cache.get_or_load(did, load)
    if found is None:
        raise NotFound(NOT_PROVEN)
    return found


def moment(time_requested: str | None, now: datetime) -> datetime:
    """A TRQP / `?at=` time as a UTC datetime (`now` when none is asked for)."""
    if time_requested is None:
        return now
    try:
        return trqp.parse_time(time_requested)
    except trqp.InvalidTime as exc:
        raise BadTime(str(exc)) from None


async def state_at(
    ctx: RegistryContext, did: str, at: datetime
) -> tuple[TrustState | None, str | None]:
    """The DID's current trust state and its organisation's registry status at `at`."""
    async with ctx.pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        state = await current(conn, did)
        if state is None:
            return None, None
        return state, await public_store.status_at(conn, uuid.UUID(state.organisation_id), at)


async def trust_at(ctx: RegistryContext, did: str, at: str) -> TrustAtMoment:
    """`GET /trust/{did}?at=`: the DID's state, and what held at that moment."""
    then = moment(at, ctx.clock())
    state, status_then = await state_at(ctx, did, then)
    if state is None:
        raise NotFound(NOT_PROVEN)
    return trust_at_moment(state, status_then, then)
