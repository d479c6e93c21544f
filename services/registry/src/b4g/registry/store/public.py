"""SQL of the registry's public read side: organisation pages, the directory of labelled
organisations, TRQP look-ups and the snapshot (read-only)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from b4g.core.infra.db import Conn
from b4g.registry.store.rows import (
    GrantTermRow,
    LabelledRow,
    NamedOrganisationRow,
    OrganisationRow,
    ProvenDidRow,
    RegistryData,
    SnapshotDidRow,
    StatusChangeRow,
    row_of,
    rows_of,
)

# The label an organisation holds is its newest grant (as `registry.latest_grant` says).
_LATEST_GRANT = (
    "SELECT DISTINCT ON (organisation_id) organisation_id, id, state, valid_from, valid_until"
    " FROM label_grants ORDER BY organisation_id, valid_from DESC"
)
_LABELLED = (
    "SELECT o.id, o.legal_name, o.country, o.website, g.valid_from, g.valid_until"
    " FROM organisations o JOIN (SELECT DISTINCT ON (organisation_id) organisation_id, state,"
    " valid_from, valid_until FROM label_grants ORDER BY organisation_id, valid_from DESC) g"
    " ON g.organisation_id = o.id"
    " WHERE o.status = 'active' AND g.state = 'active' AND g.valid_from <= $1"
    " AND g.valid_until > $1 AND ($2::text IS NULL OR o.country = $2)"
    " AND ($3::text IS NULL OR (o.legal_name, o.id) > ($3::text, $4::uuid))"
    " ORDER BY o.legal_name, o.id LIMIT $5"
)


async def public_organisation(conn: Conn, org_id: uuid.UUID) -> OrganisationRow | None:
    # The contact address is never read on the public side: the row carries NULL for it.
    row = await conn.fetchrow(
        "SELECT id, legal_name, country, website, NULL::text AS contact_email, status,"
        " created_at FROM organisations WHERE id = $1",
        org_id,
    )
    return row_of(OrganisationRow, row)


async def status_history(conn: Conn, org_id: uuid.UUID) -> list[StatusChangeRow]:
    """Registry statuses with the moment each took effect (reasons and actors stay internal)."""
    rows = await conn.fetch(
        "SELECT status, effective_at FROM organisation_status_history"
        " WHERE organisation_id = $1 ORDER BY effective_at",
        org_id,
    )
    return rows_of(StatusChangeRow, rows)


async def status_at(conn: Conn, org_id: uuid.UUID, moment: datetime) -> str | None:
    """The organisation's registry status at `moment`; None before it was registered."""
    value = await conn.fetchval(
        "SELECT status FROM organisation_status_history WHERE organisation_id = $1"
        " AND effective_at <= $2 ORDER BY effective_at DESC LIMIT 1",
        org_id,
        moment,
    )
    return str(value) if value is not None else None


async def proven_dids(conn: Conn, org_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[ProvenDidRow]]:
    rows = await conn.fetch(
        "SELECT did, organisation_id, valid_from, valid_until FROM dids"
        " WHERE organisation_id = ANY($1::uuid[]) AND proven_at IS NOT NULL"
        " ORDER BY organisation_id, did",
        org_ids,
    )
    found: dict[uuid.UUID, list[ProvenDidRow]] = defaultdict(list)
    for row in rows:
        found[row["organisation_id"]].append(ProvenDidRow(**row))
    return found


async def labelled(
    conn: Conn,
    now: datetime,
    *,
    country: str | None,
    after: tuple[str, uuid.UUID] | None,
    limit: int,
) -> list[LabelledRow]:
    """Active organisations whose newest grant is active and valid at `now`, ordered by name
    (keyset pagination: the rows after `after`)."""
    rows = await conn.fetch(
        _LABELLED,
        now,
        country,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return rows_of(LabelledRow, rows)


async def trust_sequence_total(conn: Conn) -> int:
    """The registry-wide sequence: every DID's trust sequence only grows and DIDs are never
    deleted, so their sum grows with every published trust change."""
    value = await conn.fetchval("SELECT coalesce(sum(trust_sequence), 0) FROM dids")
    return int(value)


async def everything(conn: Conn) -> RegistryData:
    """Organisations, proven DIDs, newest grants and grant histories: what the snapshot is made
    of, in four queries (run them in one repeatable-read transaction for a consistent view)."""
    orgs = {
        r["id"]: NamedOrganisationRow(**r)
        for r in await conn.fetch("SELECT id, legal_name, status FROM organisations")
    }
    dids = rows_of(
        SnapshotDidRow,
        await conn.fetch(
            "SELECT did, organisation_id, proven_at, valid_from, valid_until, trust_sequence"
            " FROM dids WHERE proven_at IS NOT NULL ORDER BY did"
        ),
    )
    grants = {
        r["organisation_id"]: GrantTermRow(r["id"], r["state"], r["valid_from"], r["valid_until"])
        for r in await conn.fetch(_LATEST_GRANT)
    }
    histories: dict[uuid.UUID, list[tuple[str, datetime]]] = defaultdict(list)
    for r in await conn.fetch(
        "SELECT g.organisation_id, h.state, h.at FROM label_grant_history h"
        " JOIN label_grants g ON g.id = h.grant_id ORDER BY g.organisation_id, h.at, g.valid_from"
    ):
        histories[r["organisation_id"]].append((r["state"], r["at"]))
    return RegistryData(organisations=orgs, dids=dids, grants=grants, histories=histories)
