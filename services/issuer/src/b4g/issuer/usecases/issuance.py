"""Entrances to the issuance pipeline: one credential (`issue`, a batch of one) or several
(`issue_batch`), in a transaction of their own with retries, or in the caller's."""

from __future__ import annotations

import asyncio
import logging
import uuid

import asyncpg

from b4g.core.infra.db import Conn
from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.idempotency import request_fingerprint
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.issuance_orders import (
    Issued,
    IssueOrder,
    IssueRequest,
    OpenBadgeDraft,
    Outcome,
)
from b4g.issuer.usecases.issuance_pipeline import issue_orders

log = logging.getLogger(__name__)
_ATTEMPTS = 3
# A concurrent request with the same Idempotency-Key committed first (the next attempt replays
# it), or two transactions' claims deadlocked (possible, if unlikely): nothing was issued.
RETRYABLE = (asyncpg.UniqueViolationError, asyncpg.DeadlockDetectedError)


def open_badge_order(
    principal: Principal,
    issuer_id: uuid.UUID,
    request: IssueRequest,
    idempotency_key: str | None = None,
) -> IssueOrder:
    fingerprint = request_fingerprint(issuer_id, request.body) if idempotency_key else None
    return IssueOrder(principal, OpenBadgeDraft(issuer_id, request), idempotency_key, fingerprint)


async def issue(
    ctx: IssuerContext,
    principal: Principal,
    issuer_id: uuid.UUID,
    request: IssueRequest,
    idempotency_key: str | None = None,
    *,
    conn: Conn | None = None,
) -> Issued:
    """One credential, in its own transaction or in `conn`'s; raises the error refusing it."""
    order = open_badge_order(principal, issuer_id, request, idempotency_key)
    outcomes: list[Outcome | Exception] = list(
        await issue_orders(conn, ctx, [order])
        if conn is not None
        else await issue_batch(ctx, [order])
    )
    return answer(outcomes[0])


def answer(outcome: Outcome | Exception) -> Issued:
    """The credential of an outcome, or its error raised."""
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


async def issue_batch(ctx: IssuerContext, orders: list[IssueOrder]) -> list[Outcome | Exception]:
    """`orders` in one transaction of their own. A database error of the transaction (which
    then issued nothing) may be one order's: they are issued again one by one, so an order the
    database refuses fails alone, with that error as its outcome."""
    try:
        return list(await _in_transaction(ctx, orders))
    except Exception as exc:
        if len(orders) == 1:
            return [exc]
        log.debug("issuing together failed, one by one", extra={"error": repr(exc)})
    alone = await asyncio.gather(
        *(_in_transaction(ctx, [order]) for order in orders), return_exceptions=True
    )
    outcomes: list[Outcome | Exception] = []
    for result in alone:
        if isinstance(result, Exception):
            outcomes.append(result)
        elif isinstance(result, BaseException):
            raise result
        else:
            outcomes.append(result[0])
    return outcomes


async def _in_transaction(ctx: IssuerContext, orders: list[IssueOrder]) -> list[Outcome]:
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            async with ctx.pool.acquire() as conn, conn.transaction():
                return await issue_orders(conn, ctx, orders)
        except RETRYABLE:
            if attempt == _ATTEMPTS:
                raise
    raise AssertionError("unreachable")
