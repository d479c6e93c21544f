"""Monitoring of valid Quality Labels: cases for the committee on inactivity, revocation
spikes, DIDs that stopped resolving and compromised keys; the committee closes them."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

import msgspec

from b4g.core.errors import B4GError
from b4g.registry.domain.access import Principal
from b4g.registry.domain.errors import NotFound
from b4g.registry.domain.scheme import GrantActivity, monitoring_findings
from b4g.registry.store import activity as activity_store
from b4g.registry.store import cases as store
from b4g.registry.store import grants as grant_store
from b4g.registry.store import public as public_store
from b4g.registry.usecases import audit
from b4g.registry.usecases.context import RegistryContext
from b4g.registry.usecases.label_evidence import current_scheme


class CaseClosure(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, rename="camel"
):
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class Case(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: uuid.UUID
    grant_id: uuid.UUID
    organisation_id: uuid.UUID
    kind: str
    details: Any
    opened_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    note: str | None


class ClosedCase(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: uuid.UUID
    grant_id: uuid.UUID
    kind: str
    closed_at: datetime
    closed_by: str
    note: str


async def monitor(ctx: RegistryContext) -> int:
    """Open a case per finding on each active grant; returns how many were opened."""
    now = ctx.clock()
    opened = 0
    async with ctx.pool.acquire() as conn:
        valid = await grant_store.valid_grants(conn)
    for grant in valid:
        org = grant.organisation_id
        # DID documents are fetched before the transaction: no connection waits on the web.
        async with ctx.pool.acquire() as conn:
            proven = await public_store.proven_dids(conn, [org])
        unresolvable = [d.did for d in proven.get(org, []) if not await _resolves(ctx, d.did)]
        async with ctx.pool.acquire() as conn, conn.transaction():
            _, scheme = await current_scheme(conn, grant.scheme_version)
            rule = scheme.monitoring
            monthly = await activity_store.monthly_issued(conn, org)
            since = (now - timedelta(days=rule.revocation_window_days)).date()
            issued, revoked = await activity_store.window_counts(conn, org, since)
            activity = GrantActivity(
                last_issued_month=max((m for m, n in monthly.items() if n > 0), default=None),
                granted_at=grant.valid_from,
                issued_in_window=issued,
                revoked_in_window=revoked,
                unresolvable_dids=unresolvable,
                compromised_dids=await activity_store.compromised_dids(conn, org),
            )
            for kind, details in monitoring_findings(rule, activity, now).items():
                case_id = await store.open_case(conn, grant.id, kind, details)
                if case_id is not None:
                    opened += 1
                    await audit.record(
                        conn,
                        now,
                        "monitor",
                        "label.case.open",
                        str(case_id),
                        after={"grant_id": str(grant.id), "kind": kind, **details},
                    )
    return opened


async def _resolves(ctx: RegistryContext, did: str) -> bool:
    try:
        await ctx.resolver.controller_document(did)
    except B4GError:
        return False
    return True


async def cases(ctx: RegistryContext, who: Principal, *, open_only: bool) -> list[Case]:
    who.require("cases.read")
    async with ctx.pool.acquire() as conn:
        found = await store.cases(conn, open_only=open_only)
    return [Case(**dataclasses.asdict(c)) for c in found]


async def close(
    ctx: RegistryContext, who: Principal, case_id: uuid.UUID, command: CaseClosure
) -> ClosedCase:
    who.require("cases.close")
    now = ctx.clock()
    async with ctx.pool.acquire() as conn, conn.transaction():
        closed = await store.close_case(conn, case_id, who.actor, command.note, now)
        if closed is None:
            raise NotFound("no such open case")
        await audit.record(
            conn, now, who.actor, "label.case.close", str(case_id), reason=command.note
        )
    return ClosedCase(**dataclasses.asdict(closed))
