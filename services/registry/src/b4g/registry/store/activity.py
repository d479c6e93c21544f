"""SQL of issuer activity counted from the issuer's events (credentials per month, revocations
per day) and the issuer profiles that report compromised keys."""

from __future__ import annotations

import uuid
from datetime import date

from b4g.core.infra.db import Conn


async def count_issued(conn: Conn, did: str, month: date) -> None:
    await conn.execute(
        "INSERT INTO issuer_activity (did, month, issued) VALUES ($1, $2, 1)"
        " ON CONFLICT (did, month) DO UPDATE SET issued = issuer_activity.issued + 1",
        did,
        month,
    )


async def count_revoked(conn: Conn, did: str, day: date) -> None:
    await conn.execute(
        "INSERT INTO issuer_activity (did, month, revoked) VALUES ($1, $2, 1)"
        " ON CONFLICT (did, month) DO UPDATE SET revoked = issuer_activity.revoked + 1",
        did,
        day.replace(day=1),
    )
    await conn.execute(
        "INSERT INTO issuer_revocations (did, day, revoked) VALUES ($1, $2, 1)"
        " ON CONFLICT (did, day) DO UPDATE SET revoked = issuer_revocations.revoked + 1",
        did,
        day,
    )


async def monthly_issued(conn: Conn, org_id: uuid.UUID) -> dict[date, int]:
    """Credentials per month over the organisation's proven DIDs."""
    rows = await conn.fetch(
        "SELECT a.month, sum(a.issued)::int AS issued FROM issuer_activity a"
        " JOIN dids d ON d.did = a.did"
        " WHERE d.organisation_id = $1 AND d.proven_at IS NOT NULL GROUP BY a.month",
        org_id,
    )
    return {r["month"]: r["issued"] for r in rows}


async def window_counts(conn: Conn, org_id: uuid.UUID, since: date) -> tuple[int, int]:
    """(issued in the months touching the window, revoked in the window's days)."""
    issued = await conn.fetchval(
        "SELECT coalesce(sum(a.issued), 0)::int FROM issuer_activity a JOIN dids d ON d.did = a.did"
        " WHERE d.organisation_id = $1 AND d.proven_at IS NOT NULL AND a.month >= $2",
        org_id,
        since.replace(day=1),
    )
    revoked = await conn.fetchval(
        "SELECT coalesce(sum(r.revoked), 0)::int FROM issuer_revocations r"
        " JOIN dids d ON d.did = r.did"
        " WHERE d.organisation_id = $1 AND d.proven_at IS NOT NULL AND r.day >= $2",
        org_id,
        since,
    )
    return int(issued), int(revoked)


async def upsert_issuer_profile(
    conn: Conn, did: str, issuer_id: str, name: str | None, compromised_keys: int
) -> None:
    await conn.execute(
        "INSERT INTO issuer_profiles (did, issuer_id, name, compromised_keys)"
        " VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (did) DO UPDATE SET issuer_id = EXCLUDED.issuer_id, name = EXCLUDED.name,"
        " compromised_keys = EXCLUDED.compromised_keys, updated_at = now()",
        did,
        issuer_id,
        name,
        compromised_keys,
    )


async def compromised_dids(conn: Conn, org_id: uuid.UUID) -> list[str]:
    """The organisation's proven DIDs whose issuer reported a compromised key."""
    rows = await conn.fetch(
        "SELECT p.did FROM issuer_profiles p JOIN dids d ON d.did = p.did"
        " WHERE d.organisation_id = $1 AND d.proven_at IS NOT NULL AND p.compromised_keys > 0"
        " ORDER BY p.did",
        org_id,
    )
    return [r["did"] for r in rows]
