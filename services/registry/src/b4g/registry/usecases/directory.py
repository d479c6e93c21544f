"""The public read side of organisations: one organisation's public record and the directory of
labelled organisations (no contact details, reasons or actors)."""

from __future__ import annotations

import uuid

from b4g.registry.domain.errors import BadCursor, NotFound
from b4g.registry.domain.public import (
    DirectoryEntry,
    DirectoryPage,
    InvalidCursor,
    PublicDid,
    PublicOrganisation,
    StatusPeriod,
    decode_cursor,
    encode_cursor,
    iso,
    public_label,
)
from b4g.registry.store import grants as grant_store
from b4g.registry.store import public as store
from b4g.registry.usecases.context import RegistryContext


async def organisation(ctx: RegistryContext, org_id: uuid.UUID) -> PublicOrganisation:
    now = ctx.clock()
    async with ctx.pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        org = await store.public_organisation(conn, org_id)
        if org is None:
            raise NotFound("no such organisation")
        statuses = await store.status_history(conn, org_id)
        dids = (await store.proven_dids(conn, [org_id])).get(org_id, [])
        grant = await grant_store.latest_grant(conn, org_id)
        history = await grant_store.grant_history(conn, org_id)
    return PublicOrganisation(
        id=org.id,
        legal_name=org.legal_name,
        country=org.country,
        website=org.website,
        registry_status=org.status,
        registry_status_history=[
            StatusPeriod(status=s.status, since=iso(s.effective_at) or "") for s in statuses
        ],
        dids=[
            PublicDid(did=d.did, valid_from=iso(d.valid_from), valid_until=iso(d.valid_until))
            for d in dids
        ],
        label=public_label(grant, history, now),
    )


async def directory(
    ctx: RegistryContext, *, country: str | None, cursor: str | None, limit: int
) -> DirectoryPage:
    """Active organisations holding a valid label now, by name (keyset pages)."""
    try:
        after = decode_cursor(cursor) if cursor else None
    except InvalidCursor as exc:
        raise BadCursor(str(exc)) from None
    now = ctx.clock()
    async with ctx.pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        rows = await store.labelled(conn, now, country=country, after=after, limit=limit + 1)
        page = rows[:limit]
        dids = await store.proven_dids(conn, [r.id for r in page])
    items = [
        DirectoryEntry(
            id=r.id,
            legal_name=r.legal_name,
            country=r.country,
            website=r.website,
            label_valid_from=iso(r.valid_from) or "",
            label_valid_until=iso(r.valid_until) or "",
            dids=[d.did for d in dids.get(r.id, [])],
        )
        for r in page
    ]
    following = encode_cursor(page[-1].legal_name, page[-1].id) if len(rows) > limit else None
    return DirectoryPage(items=items, next_cursor=following)
