"""After the broker lost events it had acknowledged, publish every proven DID's trust state
again (the compacted topic verifiers rebuild their copy from); rows still in the outbox go out
again on their own."""

from __future__ import annotations

from b4g.registry.store import dids as did_store
from b4g.registry.store import organisations as org_store
from b4g.registry.usecases import trust
from b4g.registry.usecases.context import RegistryContext


async def republish_state(ctx: RegistryContext) -> int:
    """Enqueue the trust state of every proven DID in one transaction; how many events."""
    published = 0
    async with ctx.pool.acquire() as conn, conn.transaction():
        for did, org_id in await did_store.proven_did_owners(conn):
            org = await org_store.organisation(conn, org_id)
            if org is not None:
                await trust.publish(ctx, conn, org, did)
                published += 1
    return published
