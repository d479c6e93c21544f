"""The label consumer's effect commits with its inbox row (real PostgreSQL, the real broker): a
crash after the badge was issued but before the inbox row committed leaves nothing behind, so
the redelivered event issues the badge exactly once; an event that keeps failing is
dead-lettered without a badge."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from test_issuer_support import issuer_context

from b4g.core.events.envelope import CloudEvent, encode_event, new_event
from b4g.core.events.payloads import LabelEventV1
from b4g.core.events.topics import LABEL_GRANTED, REGISTRY_LABELS, topic_name
from b4g.core.infra.db import Conn
from b4g.core.infra.inbox import ConsumerConfig, InboxConsumer
from b4g.core.infra.kafka import ensure_topics, new_producer
from b4g.core.infra.telemetry import setup_telemetry
from b4g.issuer.consumers.labels import label_handler
from b4g.issuer.domain.access import ALL_SCOPES, Principal
from b4g.issuer.usecases import achievements, issuers, platforms
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.quality_label import LabelIssuer

pytestmark = pytest.mark.integration

ORG_DID = "did:key:z6MkhWqdDBPojHA7cprTGTt5yHv5yUi1B8cnXn8ReLumkw6E"


class Crash(Exception):
    """The process dying between the effect and the inbox commit."""


@pytest.fixture
async def network(database):
    ctx = await issuer_context(database)
    platform = await platforms.create_platform(ctx.pool, "Badges4Good network")
    principal = Principal(platform.id, "k", frozenset(ALL_SCOPES))
    details = await issuers.create_issuer(ctx, principal, profile={"name": "Network"})
    label = await achievements.create_achievement(
        ctx,
        principal,
        details.issuer.id,
        {"name": "Quality Label", "criteria": {"narrative": "Granted by the committee."}},
    )
    yield ctx, LabelIssuer(platform.id, details.issuer.id, label.id)
    await ctx.pool.close()


async def grant(stack, prefix: str) -> None:
    await ensure_topics(stack.bootstrap, prefix=prefix)
    label = LabelEventV1(
        grant_id=str(uuid.uuid4()),
        organisation_id=str(uuid.uuid4()),
        did=ORG_DID,
        valid_from="2026-01-01T00:00:00Z",
        valid_until="2029-01-01T00:00:00Z",
    )
    producer = new_producer(stack.bootstrap)
    await producer.start()
    try:
        event = new_event(source="urn:b4g:registry", type=LABEL_GRANTED, data=label)
        await producer.send_and_wait(
            topic_name(REGISTRY_LABELS, prefix), encode_event(event), key=label.grant_id.encode()
        )
    finally:
        await producer.stop()


async def badges(pool: asyncpg.Pool) -> int:
    """Label badges committed, as any other connection sees them."""
    count: int = await pool.fetchval(
        "SELECT count(*) FROM credentials WHERE recipient = $1", ORG_DID
    )
    return count


def consumer(ctx: IssuerContext, stack, prefix: str, handler) -> InboxConsumer:
    config = ConsumerConfig(
        name=f"{prefix}issuer.labels",
        topics=(REGISTRY_LABELS,),
        bootstrap_servers=stack.bootstrap,
        topic_prefix=prefix,
        max_attempts=3,
        retry_backoff=0.01,
    )
    return InboxConsumer(ctx.pool, config, handler, setup_telemetry("test").tracer("test"))


@contextlib.asynccontextmanager
async def running(inbox: InboxConsumer) -> AsyncIterator[None]:
    task = asyncio.create_task(inbox.run())
    try:
        yield
    finally:
        inbox.stop()
        await asyncio.wait_for(task, 20)


async def test_a_crash_after_the_badge_is_issued_applies_the_event_once(network, stack, prefix):
    ctx, label_issuer = network
    handle = label_handler(ctx, label_issuer)
    seen_outside: list[int] = []

    async def crashing_once(conn: Conn, event: CloudEvent) -> None:
        await handle(conn, event)
        if not seen_outside:
            seen_outside.append(await badges(ctx.pool))
            raise Crash("after the effect, before the inbox row committed")

    await grant(stack, prefix)
    inbox = consumer(ctx, stack, prefix, crashing_once)
    async with running(inbox), asyncio.timeout(30):
        while inbox.processed == 0:
            await asyncio.sleep(0.05)
    # The first attempt's badge was never visible outside its transaction, which rolled back.
    assert seen_outside == [0]
    assert (inbox.processed, inbox.dead_lettered) == (1, 0)
    assert await badges(ctx.pool) == 1
    assert await ctx.pool.fetchval("SELECT count(*) FROM status_allocations") == 1


async def test_an_event_that_keeps_failing_is_dead_lettered_without_a_badge(network, stack, prefix):
    ctx, label_issuer = network
    handle = label_handler(ctx, label_issuer)

    async def always_crashing(conn: Conn, event: CloudEvent) -> None:
        await handle(conn, event)
        raise Crash("after the effect, before the inbox row committed")

    await grant(stack, prefix)
    inbox = consumer(ctx, stack, prefix, always_crashing)
    async with running(inbox), asyncio.timeout(30):
        while inbox.dead_lettered == 0:
            await asyncio.sleep(0.05)
    assert await badges(ctx.pool) == 0
    assert await ctx.pool.fetchval("SELECT count(*) FROM dead_letters") == 1
