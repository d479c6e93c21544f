"""Issuing concurrent requests together (`IssuanceBatcher`) against real PostgreSQL: requests
queued together share one transaction, and each gets exactly what issuing it alone gives —
distinct status indexes, one `credential.issued` event each with its own trace, replays and 409s
for Idempotency-Keys, 404s for what is not the caller's, lists opened when needed."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from test_issuer_issuance import setup_issuer
from test_issuer_support import issuer_app, issuer_context

from b4g.core.events.envelope import decode_event
from b4g.issuer.domain.access import ALL_SCOPES, Principal
from b4g.issuer.domain.credentials import Recipient
from b4g.issuer.domain.errors import AchievementNotFound, IdempotencyKeyReused, IssuerNotFound
from b4g.issuer.usecases import achievements, issuers, platforms
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.issuance import open_badge_order
from b4g.issuer.usecases.issuance_orders import Issued, IssueRequest
from b4g.issuer.usecases.issuance_queue import IssuanceBatcher

pytestmark = pytest.mark.integration

ACHIEVEMENT = {"name": "Urban Gardener", "criteria": {"narrative": "Ten sessions."}}


class Setup:
    def __init__(self, ctx: IssuerContext, principal: Principal) -> None:
        self.ctx = ctx
        self.principal = principal

    async def issuer(self, **fields: object) -> tuple[uuid.UUID, uuid.UUID]:
        details = await issuers.create_issuer(
            self.ctx, self.principal, profile={"name": "Batch"}, **fields
        )
        achievement = await achievements.create_achievement(
            self.ctx, self.principal, details.issuer.id, ACHIEVEMENT
        )
        return details.issuer.id, achievement.id


@pytest.fixture
async def setup(database):
    ctx = await issuer_context(database)
    pool = ctx.pool
    platform = await platforms.create_platform(pool, "p")
    yield Setup(ctx, Principal(platform.id, "k", frozenset(ALL_SCOPES)))
    await pool.close()


def request(achievement_id: uuid.UUID, email: str, **body: object) -> IssueRequest:
    return IssueRequest(
        achievement_id=achievement_id,
        recipient=Recipient(email=email),
        body={"achievementId": str(achievement_id), "email": email, **body},
    )


async def issue(
    batcher: IssuanceBatcher,
    principal: Principal,
    issuer_id: uuid.UUID,
    request: IssueRequest,
    idempotency_key: str | None = None,
) -> Issued:
    return await batcher.issue(open_badge_order(principal, issuer_id, request, idempotency_key))


async def running(batcher: IssuanceBatcher, lanes: int = 1) -> asyncio.Task[None]:
    task = asyncio.create_task(batcher.run(lanes))
    await asyncio.sleep(0)  # the lanes are waiting on the queue
    return task


async def test_requests_queued_together_are_issued_in_one_transaction(setup):
    issuer_id, achievement_id = await setup.issuer()
    batcher = IssuanceBatcher(setup.ctx)
    # The first credential opens the issuer's list (alone: the shared path needs an open list).
    lane = await running(batcher)
    try:
        await issue(batcher, setup.principal, issuer_id, request(achievement_id, "first@x.org"))
        issued = await asyncio.gather(
            *(
                issue(batcher, setup.principal, issuer_id, request(achievement_id, f"{n}@x.org"))
                for n in range(20)
            )
        )
    finally:
        lane.cancel()
    rows = [i.credential for i in issued]
    assert not any(i.replayed for i in issued)
    assert len({row.id for row in rows}) == 20
    assert len({(row.status_list_id, row.status_list_index) for row in rows}) == 20
    # One batch: one issuance time for all twenty (each request alone would have its own).
    assert len({row.issued_at for row in rows}) == 1
    for row in rows:
        assert row.document is not None
        status = row.document["credentialStatus"]
        assert status["statusListIndex"] == str(row.status_list_index)
    async with setup.ctx.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM credentials") == 21
        assert await conn.fetchval("SELECT count(*) FROM status_allocations") == 21
        values = await conn.fetch(
            "SELECT value FROM outbox WHERE topic = 'b4g.issuer.credentials.v1'"
        )
    subjects = [decode_event(bytes(v["value"])).subject for v in values]
    assert len(subjects) == 21
    assert {f"urn:uuid:{row.id}" for row in rows} <= set(subjects)


async def test_issuing_together_survives_a_column_added_while_it_runs(setup):
    """A rolling deploy adds columns under running processes: the batch read names its
    columns, so old processes keep issuing together."""
    issuer_id, achievement_id = await setup.issuer()
    batcher = IssuanceBatcher(setup.ctx)
    lane = await running(batcher)
    try:
        for n in range(2):  # the first opens the list, the second is issued together
            await issue(batcher, setup.principal, issuer_id, request(achievement_id, f"{n}@x.org"))
        async with setup.ctx.pool.acquire() as conn:
            await conn.execute(
                "ALTER TABLE issuers ADD COLUMN note text;"
                " ALTER TABLE issuer_keys ADD COLUMN note text;"
                " ALTER TABLE status_lists ADD COLUMN note text"
            )
        issued = await asyncio.gather(
            *(
                issue(batcher, setup.principal, issuer_id, request(achievement_id, f"{n}@y.org"))
                for n in range(5)
            )
        )
    finally:
        lane.cancel()
    assert len({i.credential.issued_at for i in issued}) == 1  # together, not one by one


async def test_each_request_gets_what_it_would_get_alone(setup):
    issuer_id, achievement_id = await setup.issuer(allow_suspension=True)
    other_platform = await platforms.create_platform(setup.ctx.pool, "other")
    stranger = Principal(other_platform.id, "s", frozenset(ALL_SCOPES))
    batcher = IssuanceBatcher(setup.ctx)
    lane = await running(batcher)
    try:
        await issue(batcher, setup.principal, issuer_id, request(achievement_id, "open@x.org"))
        outcomes = await asyncio.gather(
            issue(batcher, setup.principal, issuer_id, request(achievement_id, "a@x.org"), "k1"),
            issue(batcher, setup.principal, issuer_id, request(achievement_id, "a@x.org"), "k1"),
            issue(batcher, setup.principal, issuer_id, request(achievement_id, "b@x.org"), "k1"),
            issue(batcher, setup.principal, issuer_id, request(uuid.uuid4(), "c@x.org")),
            issue(batcher, stranger, issuer_id, request(achievement_id, "d@x.org")),
            issue(batcher, setup.principal, issuer_id, request(achievement_id, "e@x.org")),
            return_exceptions=True,
        )
    finally:
        lane.cancel()
    first, replay, reused, unknown, foreign, plain = outcomes
    assert not first.replayed and replay.replayed
    assert replay.credential.id == first.credential.id
    assert isinstance(reused, IdempotencyKeyReused)
    assert isinstance(unknown, AchievementNotFound)
    assert isinstance(foreign, IssuerNotFound)
    assert not plain.replayed
    for issued in (first, plain):
        # Suspension allowed: a second entry on the issuer's suspension list.
        entries = issued.credential.document["credentialStatus"]
        assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
        assert issued.credential.suspension_index is not None
    async with setup.ctx.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM credentials") == 3
        # Two entries per credential, none left behind by the requests that failed.
        assert await conn.fetchval("SELECT count(*) FROM status_allocations") == 6


async def test_a_full_list_sends_the_overflow_alone_to_open_the_next(setup):
    issuer_id, achievement_id = await setup.issuer()
    batcher = IssuanceBatcher(setup.ctx)
    lane = await running(batcher, lanes=2)
    try:
        issued = await asyncio.gather(
            *(
                issue(batcher, setup.principal, issuer_id, request(achievement_id, f"{n}@x.org"))
                for n in range(150)  # lists of 64: three lists, the first opened alone
            )
        )
    finally:
        lane.cancel()
    claims = {(i.credential.status_list_id, i.credential.status_list_index) for i in issued}
    assert len(claims) == 150
    per_list: dict[uuid.UUID, int] = {}
    for list_id, index in claims:
        assert 0 <= index < 64
        per_list[list_id] = per_list.get(list_id, 0) + 1
    assert sorted(per_list.values()) == [22, 64, 64]
    async with setup.ctx.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM status_allocations") == 150


async def test_a_nearly_full_list_is_still_filled_together(setup):
    issuer_id, achievement_id = await setup.issuer()
    batcher = IssuanceBatcher(setup.ctx)
    lane = await running(batcher)

    async def together(count: int, tag: str) -> list:
        return await asyncio.gather(
            *(
                issue(batcher, setup.principal, issuer_id, request(achievement_id, f"{tag}{n}@x"))
                for n in range(count)
            )
        )

    try:
        await together(1, "first")  # opens the list (capacity 64)
        await together(53, "fill")
        last = await together(10, "last")  # 10 of the 10 free indexes left
    finally:
        lane.cancel()
    rows = [issued.credential for issued in last]
    assert len({row.status_list_id for row in rows}) == 1
    assert len({row.issued_at for row in rows}) == 1  # one batch, none left to go alone
    async with setup.ctx.pool.acquire() as conn:
        indexes = await conn.fetchval(
            "SELECT array_agg(index ORDER BY index) FROM status_allocations WHERE list_id = $1",
            rows[0].status_list_id,
        )
    assert indexes == list(range(64))


async def test_each_issuance_continues_its_callers_trace_into_its_event(stack, prefix):
    exporter = InMemorySpanExporter()
    async with issuer_app(stack, prefix, span_exporter=exporter) as app:
        _, auth = await app.platform()
        issuer, achievement = await setup_issuer(app, auth)
        callers = [f"{n:032x}" for n in range(1, 7)]
        responses = await asyncio.gather(
            *(
                app.client.post(
                    f"/issuers/{issuer['id']}/credentials",
                    json={"achievementId": achievement["id"], "recipient": {"id": "did:x:1"}},
                    headers={**auth, "traceparent": f"00-{trace_id}-b7ad6b7169203331-01"},
                )
                for trace_id in callers
            )
        )
        assert {r.status_code for r in responses} == {201}
        await app.client.get("/health")
        async with app.pool.acquire() as conn:
            events = await conn.fetch(
                "SELECT headers FROM outbox WHERE topic = 'b4g.issuer.credentials.v1'"
            )
        app.client.app.state.runtime.telemetry.tracer_provider.force_flush()
    # Each credential.issued event continues the trace of the request that issued it.
    assert sorted(e["headers"]["traceparent"].split("-")[1] for e in events) == callers
    spans = exporter.get_finished_spans()
    server = [
        s for s in spans if s.attributes.get("http.route") == "/issuers/{issuer_id}/credentials"
    ]
    assert sorted(f"{s.context.trace_id:032x}" for s in server) == callers
    assert {s.name for s in server} == {"POST /issuers/{issuer_id}/credentials"}
    assert {s.attributes["http.response.status_code"] for s in server} == {201}
    # The batches that issued them link back to each request.
    linked = {link.context.span_id for s in spans for link in s.links}
    assert {s.context.span_id for s in server} <= linked
    assert not [s for s in spans if s.attributes.get("url.path") == "/health"]
