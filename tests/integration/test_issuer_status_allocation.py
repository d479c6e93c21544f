"""Status-list index allocation against real PostgreSQL: random, unique under concurrency,
rolled back with its transaction, and a new list when one is full."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

import pytest
from test_issuer_support import issuer_context

from b4g.core.infra.db import create_pool
from b4g.core.infra.migrate import migrate
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.issuer.app import issuer_migrations
from b4g.issuer.domain.sealing import LocalKeyProvider
from b4g.issuer.store import issuers as issuer_store
from b4g.issuer.store import platforms as platform_store
from b4g.issuer.store import status_lists as list_store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.status_allocation import allocate

pytestmark = pytest.mark.integration


@pytest.fixture
async def ctx_and_issuer(database):
    ctx = await issuer_context(database, status_list_capacity=8, status_list_probes=3)
    pool = ctx.pool
    async with pool.acquire() as conn:
        platform = await platform_store.insert_platform(conn, uuid.uuid4(), "p")
        issuer = await issuer_store.insert_issuer(
            conn,
            issuer_id=uuid.uuid4(),
            platform_id=platform.id,
            did="did:web:issuer.test:issuers:x",
            did_method="web",
            profile={"name": "x"},
            allow_suspension=False,
        )
    yield ctx, issuer.id
    await pool.close()


@dataclass(frozen=True)
class One:
    list_id: uuid.UUID
    index: int
    url: str
    opened_lists: tuple[uuid.UUID, ...]


async def allocate_one(conn, ctx, issuer_id) -> One:
    """A revocation index for one credential, on the issuer's current list or a new one."""
    current = await list_store.current_list(conn, issuer_id, "revocation")
    credential = uuid.uuid4()
    got = await allocate(conn, ctx, issuer_id, "revocation", [credential], current)
    allocation = got.by_credential[credential]
    return One(allocation.list_id, allocation.index, allocation.url, got.opened_lists)


async def allocated_indexes(conn, list_id: uuid.UUID) -> list[int]:
    rows = await conn.fetch(
        "SELECT index FROM status_allocations WHERE list_id = $1 ORDER BY index", list_id
    )
    return [row["index"] for row in rows]


async def _allocate_one(ctx, issuer_id):
    async with ctx.pool.acquire() as conn, conn.transaction():
        return await allocate_one(conn, ctx, issuer_id)


async def test_concurrent_allocations_are_unique_and_fill_lists_in_turn(ctx_and_issuer):
    ctx, issuer_id = ctx_and_issuer
    results = await asyncio.gather(*(_allocate_one(ctx, issuer_id) for _ in range(20)))
    claims = {(a.list_id, a.index) for a in results}
    assert len(claims) == 20
    assert all(0 <= a.index < 8 for a in results)
    per_list: dict[uuid.UUID, int] = {}
    for a in results:
        per_list[a.list_id] = per_list.get(a.list_id, 0) + 1
        assert a.url == f"http://verifier.test/status/{a.list_id}"
    assert sorted(per_list.values()) == [4, 8, 8]
    # Each list is opened (and so announced) by exactly one transaction.
    assert sorted(i for a in results for i in a.opened_lists) == sorted(per_list)


async def test_a_rolled_back_issuance_releases_its_index(ctx_and_issuer):
    ctx, issuer_id = ctx_and_issuer

    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        async with ctx.pool.acquire() as conn, conn.transaction():
            first = await allocate_one(conn, ctx, issuer_id)
            raise Abort
    async with ctx.pool.acquire() as conn:
        assert await allocated_indexes(conn, first.list_id) == []
    # The list itself was rolled back too; filling one list takes exactly its capacity.
    taken = [await _allocate_one(ctx, issuer_id) for _ in range(8)]
    assert len({a.list_id for a in taken}) == 1
    assert sorted(a.index for a in taken) == list(range(8))


async def test_a_claim_skips_an_index_held_by_an_open_transaction_instead_of_waiting(
    ctx_and_issuer,
):
    ctx, issuer_id = ctx_and_issuer
    taken = [await _allocate_one(ctx, issuer_id) for _ in range(7)]  # one index of 8 left
    first_list = taken[0].list_id
    async with ctx.pool.acquire() as holder, holder.transaction():
        last = await allocate_one(holder, ctx, issuer_id)
        assert last.list_id == first_list  # claimed, not committed
        async with asyncio.timeout(5):  # waiting for the holder would never end
            other = await _allocate_one(ctx, issuer_id)
            async with ctx.pool.acquire() as conn, conn.transaction():
                again = await list_store.try_allocate_many(
                    conn, first_list, [(last.index, uuid.uuid4())]
                )
    assert other.list_id != first_list and other.opened_lists == (other.list_id,)
    assert again == {}
    async with ctx.pool.acquire() as conn:
        assert len(await allocated_indexes(conn, first_list)) == 8


async def test_indexes_are_spread_randomly(database):
    await migrate(database, issuer_migrations())
    pool = await create_pool(database, max_size=2)
    ctx = IssuerContext(
        pool=pool,
        keys=LocalKeyProvider(bytes(32)),
        base_url="http://issuer.test",
        verifier_base_url="http://verifier.test",
        status_list_capacity=131_072,
        rdf=rdf_canonizer(ContextStore()),
    )
    try:
        async with pool.acquire() as conn:
            platform = await platform_store.insert_platform(conn, uuid.uuid4(), "p")
            issuer = await issuer_store.insert_issuer(
                conn,
                issuer_id=uuid.uuid4(),
                platform_id=platform.id,
                did="did:web:issuer.test:issuers:y",
                did_method="web",
                profile={"name": "y"},
                allow_suspension=False,
            )
        indexes = [(await _allocate_one(ctx, issuer.id)).index for _ in range(40)]
        # Sequential allocation would give 0..39; random ones land all over the list.
        assert indexes != sorted(indexes)
        assert max(indexes) > 40_000 and len(set(indexes)) == 40
    finally:
        await pool.close()
