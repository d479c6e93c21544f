"""The one issuance pipeline answers the cases that used to be sent down a separate
one-at-a-time path with what issuing each request alone gives (real PostgreSQL): an issuer's
first credentials open its lists inside the batch, a value the database refuses fails only its
own request, a VC API request is issued beside Open Badges requests, and an order repeating the
Idempotency-Key of a refused one is issued as if it came alone."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import asyncpg
import pytest
from test_issuer_batching import Setup, issue, request, running
from test_issuer_support import issuer_context
from test_issuer_vc_api import VC2

from b4g.core.events.envelope import decode_event
from b4g.issuer.domain.access import ALL_SCOPES, Principal
from b4g.issuer.domain.errors import AchievementNotFound, UndefinedTerms
from b4g.issuer.usecases import platforms
from b4g.issuer.usecases.issuance_orders import VcApiIssue
from b4g.issuer.usecases.issuance_queue import IssuanceBatcher
from b4g.issuer.usecases.vc_api import vc_api_order

pytestmark = pytest.mark.integration


@pytest.fixture
async def setup(database):
    ctx = await issuer_context(database)
    platform = await platforms.create_platform(ctx.pool, "p")
    yield Setup(ctx, Principal(platform.id, "k", frozenset(ALL_SCOPES)))
    await ctx.pool.close()


async def count(ctx, sql: str) -> int:
    async with ctx.pool.acquire() as conn:
        return await conn.fetchval(sql)


async def test_an_issuers_first_credentials_open_its_lists_once_inside_the_batch(setup):
    issuer_id, achievement_id = await setup.issuer(allow_suspension=True)
    batcher = IssuanceBatcher(setup.ctx)
    lane = await running(batcher)
    try:
        issued = await asyncio.gather(
            *(
                issue(batcher, setup.principal, issuer_id, request(achievement_id, f"{n}@x.org"))
                for n in range(20)
            )
        )
    finally:
        lane.cancel()
    rows = [i.credential for i in issued]
    assert len({row.issued_at for row in rows}) == 1  # one batch, the first ones included
    assert len({row.status_list_id for row in rows}) == 1
    assert len({row.suspension_list_id for row in rows}) == 1
    assert len({(row.status_list_id, row.status_list_index) for row in rows}) == 20
    # One revocation and one suspension list, each signed and announced once, before use.
    assert await count(setup.ctx, "SELECT count(*) FROM status_lists") == 2
    async with setup.ctx.pool.acquire() as conn:
        published = await conn.fetch(
            "SELECT value FROM outbox WHERE topic = 'b4g.issuer.status-lists.v1' ORDER BY id"
        )
        first_credential = await conn.fetchval(
            "SELECT min(id) FROM outbox WHERE topic = 'b4g.issuer.credentials.v1'"
        )
        last_list = await conn.fetchval(
            "SELECT max(id) FROM outbox WHERE topic = 'b4g.issuer.status-lists.v1'"
        )
    versions = [decode_event(bytes(row["value"])).data["version"] for row in published]
    assert versions == [1, 1]
    assert last_list < first_credential


async def test_a_value_the_database_refuses_fails_only_its_own_request(setup):
    issuer_id, achievement_id = await setup.issuer()
    batcher = IssuanceBatcher(setup.ctx)
    lane = await running(batcher)
    try:
        await issue(batcher, setup.principal, issuer_id, request(achievement_id, "open@x.org"))
        bad = dataclasses.replace(request(achievement_id, "nul@x.org"), narrative="a\x00b")
        outcomes = await asyncio.gather(
            *(
                issue(batcher, setup.principal, issuer_id, request(achievement_id, f"{n}@x.org"))
                for n in range(4)
            ),
            issue(batcher, setup.principal, issuer_id, bad),
            return_exceptions=True,
        )
    finally:
        lane.cancel()
    *good, refused = outcomes
    assert isinstance(refused, asyncpg.DataError)
    assert all(not isinstance(i, BaseException) and not i.replayed for i in good)
    assert await count(setup.ctx, "SELECT count(*) FROM credentials") == 5
    # Nothing of the refused request is left: no claim, no event.
    assert await count(setup.ctx, "SELECT count(*) FROM status_allocations") == 5
    assert (
        await count(
            setup.ctx, "SELECT count(*) FROM outbox WHERE topic = 'b4g.issuer.credentials.v1'"
        )
        == 5
    )


async def test_vc_api_requests_are_issued_with_open_badges_requests(setup):
    issuer_id, achievement_id = await setup.issuer()
    batcher = IssuanceBatcher(setup.ctx)
    lane = await running(batcher)
    undefined = {**VC2, "credentialSubject": {**VC2["credentialSubject"], "undefinedTerm": 1}}
    try:
        await issue(batcher, setup.principal, issuer_id, request(achievement_id, "open@x.org"))
        outcomes = await asyncio.gather(
            issue(batcher, setup.principal, issuer_id, request(achievement_id, "a@x.org")),
            batcher.issue(vc_api_order(setup.principal, VcApiIssue(credential=VC2))),
            batcher.issue(vc_api_order(setup.principal, VcApiIssue(credential=undefined))),
            issue(batcher, setup.principal, issuer_id, request(achievement_id, "b@x.org")),
            return_exceptions=True,
        )
    finally:
        lane.cancel()
    first, vc, refused, last = outcomes
    assert isinstance(refused, UndefinedTerms)
    assert (
        len({first.credential.issued_at, vc.credential.issued_at, last.credential.issued_at}) == 1
    )
    document = vc.credential.document
    assert vc.credential.achievement_id is None
    assert document["credentialSubject"] == VC2["credentialSubject"]
    assert document["credentialStatus"]["statusListIndex"] == str(vc.credential.status_list_index)
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    # The refused request gave its status index back.
    assert await count(setup.ctx, "SELECT count(*) FROM status_allocations") == 4


async def test_a_key_repeated_after_a_refused_request_issues_as_if_alone(setup):
    issuer_id, achievement_id = await setup.issuer()
    batcher = IssuanceBatcher(setup.ctx)
    lane = await running(batcher)
    unknown = request(uuid.uuid4(), "a@x.org")  # no such achievement
    try:
        await issue(batcher, setup.principal, issuer_id, request(achievement_id, "open@x.org"))
        refused, issued, replay = await asyncio.gather(
            issue(batcher, setup.principal, issuer_id, unknown, "k"),
            issue(batcher, setup.principal, issuer_id, request(achievement_id, "b@x.org"), "k"),
            issue(batcher, setup.principal, issuer_id, request(achievement_id, "b@x.org"), "k"),
            return_exceptions=True,
        )
    finally:
        lane.cancel()
    assert isinstance(refused, AchievementNotFound)
    assert not issued.replayed and replay.replayed
    assert replay.credential.id == issued.credential.id
    assert await count(setup.ctx, "SELECT count(*) FROM credentials") == 2
