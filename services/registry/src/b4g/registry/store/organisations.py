"""SQL of organisations: their record and status history, and the facts the Quality Label's
automatic checks read (platform registrations, values acceptances, the course)."""

from __future__ import annotations

import uuid

from b4g.core.infra.db import Conn
from b4g.registry.store.rows import (
    OrganisationRow,
    PlatformRow,
    ValuesAcceptanceRow,
    row_of,
    rows_of,
)

_ORG = (
    "SELECT id, legal_name, country, website, contact_email, status, created_at"
    " FROM organisations WHERE id = $1"
)
_ORG_FOR_UPDATE = _ORG + " FOR UPDATE"


async def insert_organisation(
    conn: Conn,
    org_id: uuid.UUID,
    legal_name: str,
    country: str,
    website: str | None,
    contact_email: str | None,
    actor: str,
) -> None:
    await conn.execute(
        "INSERT INTO organisations (id, legal_name, country, website, contact_email)"
        " VALUES ($1, $2, $3, $4, $5)",
        org_id,
        legal_name,
        country,
        website,
        contact_email,
    )
    await conn.execute(
        "INSERT INTO organisation_status_history (organisation_id, status, actor)"
        " VALUES ($1, 'active', $2)",
        org_id,
        actor,
    )


async def organisation(
    conn: Conn, org_id: uuid.UUID, *, lock: bool = False
) -> OrganisationRow | None:
    return row_of(OrganisationRow, await conn.fetchrow(_ORG_FOR_UPDATE if lock else _ORG, org_id))


async def set_organisation_status(
    conn: Conn, org_id: uuid.UUID, status: str, reason: str, actor: str
) -> None:
    await conn.execute("UPDATE organisations SET status = $2 WHERE id = $1", org_id, status)
    await conn.execute(
        "INSERT INTO organisation_status_history (organisation_id, status, reason, actor)"
        " VALUES ($1, $2, $3, $4)",
        org_id,
        status,
        reason,
        actor,
    )


# -- facts the automatic checks read --------------------------------------------------------


async def upsert_platform(
    conn: Conn, org_id: uuid.UUID, platform: str, account_id: str, verified: bool, actor: str
) -> None:
    await conn.execute(
        "INSERT INTO organisation_platforms"
        " (organisation_id, platform, account_id, organiser_verified, updated_by)"
        " VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (organisation_id, platform) DO UPDATE SET account_id = EXCLUDED.account_id,"
        " organiser_verified = EXCLUDED.organiser_verified, updated_by = EXCLUDED.updated_by,"
        " updated_at = now()",
        org_id,
        platform,
        account_id,
        verified,
        actor,
    )


async def platforms(conn: Conn, org_id: uuid.UUID) -> list[PlatformRow]:
    rows = await conn.fetch(
        "SELECT platform, account_id, organiser_verified FROM organisation_platforms"
        " WHERE organisation_id = $1 ORDER BY platform",
        org_id,
    )
    return rows_of(PlatformRow, rows)


async def accept_values(conn: Conn, org_id: uuid.UUID, version: str, actor: str) -> None:
    await conn.execute(
        "INSERT INTO values_acceptances (organisation_id, values_version, accepted_by)"
        " VALUES ($1, $2, $3)",
        org_id,
        version,
        actor,
    )


async def values_acceptances(conn: Conn, org_id: uuid.UUID) -> list[ValuesAcceptanceRow]:
    rows = await conn.fetch(
        "SELECT values_version, accepted_by, accepted_at FROM values_acceptances"
        " WHERE organisation_id = $1 ORDER BY accepted_at",
        org_id,
    )
    return rows_of(ValuesAcceptanceRow, rows)


async def course_completed(conn: Conn, org_id: uuid.UUID) -> bool:
    """Any application of the organisation passed the course step (renewals skip it)."""
    done: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM label_applications a"
        " LEFT JOIN label_application_history h ON h.application_id = a.id"
        " AND h.action = 'complete_course'"
        " WHERE a.organisation_id = $1 AND (h.action IS NOT NULL OR a.renewal_of IS NOT NULL))",
        org_id,
    )
    return done
