"""Issuing concurrent requests together.

Each issuance request joins a queue; a few lanes take whatever has gathered and issue it in one
transaction with a fixed handful of statements (which Idempotency-Keys are taken; issuers,
achievements, active keys and open lists; status-index claims per list; credentials; events).
The round trips and the commit of a credential are shared by every request that arrived with
it, and nobody waits for a batch to fill: a lane takes what is there.

The outcome of a request is what `issuance.issue` would give it. Anything the shared path does
not handle goes through `issuance.issue` itself, after the batch: a replay or a second use of an
Idempotency-Key, an unknown issuer or achievement, an issuer without a list yet, a list that is
filling up, and any error of the shared transaction (which then issued nothing).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass

from opentelemetry import context as otel_context
from opentelemetry import trace

from b4g.core.infra.db import Conn
from b4g.core.infra.outbox import enqueue_many
from b4g.core.infra.telemetry import inject_headers
from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.idempotency import request_fingerprint
from b4g.issuer.domain.status import REVOCATION, SUSPENSION, status_list_url
from b4g.issuer.store import achievements as achievement_store
from b4g.issuer.store import credentials as store
from b4g.issuer.store import issuers as issuer_store
from b4g.issuer.store import issuing as issuing_store
from b4g.issuer.store import status_lists as list_store
from b4g.issuer.usecases import issuance
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.errors import InvalidRequest, ShuttingDown
from b4g.issuer.usecases.issuers import SigningKey, open_signing_key
from b4g.issuer.usecases.status_allocation import Allocation, claim_random

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, eq=False)  # each order is itself (a dict key), however alike
class IssueOrder:
    """One credential to issue: what `issuance.issue` takes, and the trace it continues."""

    principal: Principal
    issuer_id: uuid.UUID
    request: issuance.IssueRequest
    idempotency_key: str | None
    fingerprint: bytes | None
    trace: otel_context.Context


@dataclass(frozen=True, slots=True)
class _Waiting:
    order: IssueOrder
    result: asyncio.Future[issuance.Issued]


class IssuanceBatcher:
    """The queue and its lanes; `issue` is what HTTP handlers call."""

    def __init__(
        self, ctx: IssuerContext, *, tracer: trace.Tracer | None = None, max_batch: int = 64
    ) -> None:
        self._ctx = ctx
        self._tracer = tracer or trace.get_tracer(__name__)
        self._max_batch = max_batch
        self._queue: asyncio.Queue[_Waiting] = asyncio.Queue()
        self._lanes = 0

    async def issue(
        self,
        principal: Principal,
        issuer_id: uuid.UUID,
        request: issuance.IssueRequest,
        idempotency_key: str | None = None,
    ) -> issuance.Issued:
        if self._lanes == 0:  # not serving (a tool, a test without the lifespan)
            return await issuance.issue(self._ctx, principal, issuer_id, request, idempotency_key)
        issuance.check(request)
        fingerprint = request_fingerprint(issuer_id, request.body) if idempotency_key else None
        order = IssueOrder(
            principal, issuer_id, request, idempotency_key, fingerprint, otel_context.get_current()
        )
        result: asyncio.Future[issuance.Issued] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Waiting(order, result))
        return await result

    async def run(self, lanes: int) -> None:
        """Serve the queue with `lanes` concurrent batches until cancelled."""
        await asyncio.gather(*(self._lane() for _ in range(lanes)))

    async def _lane(self) -> None:
        self._lanes += 1
        try:
            while True:
                batch = [await self._queue.get()]
                while len(batch) < self._max_batch and not self._queue.empty():
                    batch.append(self._queue.get_nowait())
                try:
                    await _answer(self._ctx, self._tracer, batch)
                finally:  # cancelled mid-batch (shutdown): nobody may wait forever
                    for waiting in batch:
                        if not waiting.result.done():
                            waiting.result.set_exception(
                                ShuttingDown("the issuer is shutting down; retry the request")
                            )
        finally:
            self._lanes -= 1


async def _answer(ctx: IssuerContext, tracer: trace.Tracer, batch: list[_Waiting]) -> None:
    """One batch: issued together where possible, the rest alone; every request answered."""
    orders = [waiting.order for waiting in batch]
    links = [trace.Link(trace.get_current_span(order.trace).get_span_context()) for order in orders]
    with tracer.start_as_current_span(
        "issue credentials together", links=links, attributes={"b4g.batch.size": len(batch)}
    ):
        issued: dict[IssueOrder, store.CredentialRow]
        alone: list[IssueOrder]
        try:
            async with ctx.pool.acquire() as conn, conn.transaction():
                issued, alone = await issue_together(conn, ctx, orders)
        except Exception as exc:  # nothing was issued; each goes alone
            log.debug("issuing together failed, one by one", extra={"error": repr(exc)})
            issued, alone = {}, orders
        by_order = {waiting.order: waiting.result for waiting in batch}
        for order, row in issued.items():
            _settle(by_order[order], issuance.Issued(row, replayed=False))
        await asyncio.gather(*(_issue_alone(ctx, order, by_order[order]) for order in alone))


def _settle(result: asyncio.Future[issuance.Issued], outcome: issuance.Issued | Exception) -> None:
    if result.done():  # the caller went away
        return
    if isinstance(outcome, Exception):
        result.set_exception(outcome)
    else:
        result.set_result(outcome)


async def _issue_alone(
    ctx: IssuerContext, order: IssueOrder, result: asyncio.Future[issuance.Issued]
) -> None:
    token = otel_context.attach(order.trace)
    try:
        issued = await issuance.issue(
            ctx, order.principal, order.issuer_id, order.request, order.idempotency_key
        )
    except Exception as exc:  # the request's own answer (problem details)
        _settle(result, exc)
    else:
        _settle(result, issued)
    finally:
        otel_context.detach(token)


@dataclass(frozen=True, slots=True)
class _Ready:
    order: IssueOrder
    issuer: issuer_store.IssuerRow
    achievement: achievement_store.AchievementRow
    key: SigningKey
    credential_id: uuid.UUID


async def issue_together(
    conn: Conn, ctx: IssuerContext, orders: list[IssueOrder]
) -> tuple[dict[IssueOrder, store.CredentialRow], list[IssueOrder]]:
    """Issues what it can of `orders` in `conn`'s transaction; returns the rows it stored and
    the orders left for `issuance.issue` (see the module docstring)."""
    valid: list[IssueOrder] = []
    alone: list[IssueOrder] = []
    for order in orders:
        (valid if _valid(order) else alone).append(order)
    fresh, taken = await _first_uses(conn, valid)
    alone += taken
    ready, missing, lists = await _inputs(conn, ctx, fresh)
    alone += missing
    claimed, unclaimed = await _claim_indexes(conn, ctx, ready, lists)
    alone += [item.order for item in unclaimed]
    now = ctx.clock()
    made = [
        (
            item,
            issuance.new_credential_row(
                ctx,
                item.order.principal,
                item.issuer,
                item.achievement,
                item.key,
                item.order.request,
                credential_id=item.credential_id,
                status=claimed[item.credential_id],
                now=now,
                fingerprint=item.order.fingerprint,
            ),
        )
        for item in ready
        if item.credential_id in claimed
    ]
    await store.insert_credentials(conn, [(row, item.order.idempotency_key) for item, row in made])
    await enqueue_many(
        conn,
        [
            issuance.issued_event(ctx, row, item.issuer.did, _headers(item.order))
            for item, row in made
        ],
        ctx.outbox_shards,
    )
    return {item.order: row for item, row in made}, alone


def _valid(order: IssueOrder) -> bool:
    """Passes the request checks of `issuance.issue` (which answers the others' errors)."""
    try:
        issuance.check(order.request)
    except InvalidRequest:
        return False
    return True


def _headers(order: IssueOrder) -> dict[str, str]:
    """The `traceparent` of the order's request, for its event."""
    headers: dict[str, str] = {}
    inject_headers(headers, context=order.trace)
    return headers


async def _first_uses(
    conn: Conn, orders: list[IssueOrder]
) -> tuple[list[IssueOrder], list[IssueOrder]]:
    """Splits off orders whose Idempotency-Key is taken, or repeated within the batch: they are
    answered alone after the batch commits (a replay, or 409 for another body)."""
    keyed = {
        (order.principal.platform_id, order.idempotency_key)
        for order in orders
        if order.idempotency_key
    }
    taken = await store.idempotency_keys_in_use(conn, list(keyed)) if keyed else set()
    fresh: list[IssueOrder] = []
    alone: list[IssueOrder] = []
    seen: set[tuple[uuid.UUID, str]] = set()
    for order in orders:
        if order.idempotency_key is None:
            fresh.append(order)
            continue
        key = (order.principal.platform_id, order.idempotency_key)
        (alone if key in taken or key in seen else fresh).append(order)
        seen.add(key)
    return fresh, alone


async def _inputs(
    conn: Conn, ctx: IssuerContext, orders: list[IssueOrder]
) -> tuple[list[_Ready], list[IssueOrder], dict[tuple[uuid.UUID, str], list_store.OpenList]]:
    """Issuer, achievement and active key of each order, and the open lists of their issuers;
    orders naming something that is not theirs (or an issuer without an active key) go alone,
    to be answered with the single path's error."""
    if not orders:
        return [], [], {}
    found = await issuing_store.issuing_inputs(
        conn,
        sorted({order.issuer_id for order in orders}),
        sorted({order.request.achievement_id for order in orders}),
    )
    opened = {issuer_id: open_signing_key(ctx, key) for issuer_id, key in found.keys.items()}
    ready: list[_Ready] = []
    alone: list[IssueOrder] = []
    for order in orders:
        issuer = found.issuers.get(order.issuer_id)
        achievement = found.achievements.get(order.request.achievement_id)
        key = opened.get(order.issuer_id)
        platform = order.principal.platform_id
        if (
            issuer is None
            or issuer.platform_id != platform
            or achievement is None
            or achievement.platform_id != platform
            or achievement.issuer_id != order.issuer_id
            or key is None
        ):
            alone.append(order)
            continue
        ready.append(_Ready(order, issuer, achievement, key, uuid.uuid4()))
    return ready, alone, found.lists


async def _claim_indexes(
    conn: Conn,
    ctx: IssuerContext,
    ready: list[_Ready],
    lists: dict[tuple[uuid.UUID, str], list_store.OpenList],
) -> tuple[dict[uuid.UUID, issuance.StatusEntries], list[_Ready]]:
    """A revocation index (and a suspension index where the issuer allows suspension) for each
    credential, on the lists being filled. Credentials that could not get all of theirs give back
    what they got and go alone (the single path opens lists and scans nearly full ones)."""
    if not ready:
        return {}, []
    wanted: dict[tuple[uuid.UUID, str], list[uuid.UUID]] = defaultdict(list)
    for item in ready:
        wanted[(item.issuer.id, REVOCATION)].append(item.credential_id)
        if item.issuer.allow_suspension:
            wanted[(item.issuer.id, SUSPENSION)].append(item.credential_id)
    got: dict[tuple[uuid.UUID, str], dict[uuid.UUID, int]] = {}
    for group in wanted:
        open_list = lists.get(group)
        got[group] = (
            await claim_random(conn, ctx, open_list, wanted[group]) if open_list is not None else {}
        )
    claimed: dict[uuid.UUID, issuance.StatusEntries] = {}
    unclaimed: list[_Ready] = []
    for item in ready:
        revocation = _allocation(ctx, lists, got, item, REVOCATION)
        suspension = (
            _allocation(ctx, lists, got, item, SUSPENSION) if item.issuer.allow_suspension else None
        )
        if revocation is None or (item.issuer.allow_suspension and suspension is None):
            unclaimed.append(item)
        else:
            claimed[item.credential_id] = issuance.StatusEntries(revocation, suspension)
    given_back = [
        (lists[group].id, got[group][item.credential_id])
        for item in unclaimed
        for group in ((item.issuer.id, REVOCATION), (item.issuer.id, SUSPENSION))
        if item.credential_id in got.get(group, {})
    ]
    if given_back:
        await list_store.release_allocations(conn, given_back)
    return claimed, unclaimed


def _allocation(
    ctx: IssuerContext,
    lists: dict[tuple[uuid.UUID, str], list_store.OpenList],
    got: dict[tuple[uuid.UUID, str], dict[uuid.UUID, int]],
    item: _Ready,
    purpose: str,
) -> Allocation | None:
    group = (item.issuer.id, purpose)
    index = got.get(group, {}).get(item.credential_id)
    if index is None:
        return None
    list_id = lists[group].id
    return Allocation(list_id, index, status_list_url(ctx.verifier_base_url, list_id), ())
