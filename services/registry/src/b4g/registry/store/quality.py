"""SQL of the Quality Label's scheme, the facts its checks read, issuer activity, check
evidence and monitoring cases."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from b4g.core.infra.db import Conn

# -- scheme -------------------------------------------------------------------------------


async def scheme(conn: Conn, version: int | None = None) -> tuple[int, dict[str, Any]] | None:
    """A scheme version (the latest when None) as (version, scheme)."""
    row = await conn.fetchrow(
        "SELECT version, scheme FROM label_schemes"
        " WHERE $1::int IS NULL OR version = $1 ORDER BY version DESC LIMIT 1",
        version,
    )
    return (row["version"], row["scheme"]) if row else None


async def insert_scheme(conn: Conn, scheme: dict[str, Any], actor: str) -> int:
    # Serialised: two admins publishing at once get consecutive versions, not a clash.
    await conn.execute("LOCK TABLE label_schemes IN SHARE ROW EXCLUSIVE MODE")
    version: int = await conn.fetchval(
        "INSERT INTO label_schemes (version, scheme, published_by)"
        " SELECT coalesce(max(version), 0) + 1, $1::jsonb, $2 FROM label_schemes"
        " RETURNING version",
        scheme,
        actor,
    )
    return version


async def application_scheme_version(conn: Conn, app_id: uuid.UUID) -> int | None:
    version: int | None = await conn.fetchval(
        "SELECT scheme_version FROM label_applications WHERE id = $1", app_id
    )
    return version


async def set_application_scheme(conn: Conn, app_id: uuid.UUID, version: int) -> None:
    await conn.execute(
        "UPDATE label_applications SET scheme_version = $2 WHERE id = $1", app_id, version
    )


# -- organisation facts -------------------------------------------------------------------


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


async def platforms(conn: Conn, org_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT platform, account_id, organiser_verified FROM organisation_platforms"
        " WHERE organisation_id = $1 ORDER BY platform",
        org_id,
    )
    return [dict(r) for r in rows]


async def accept_values(conn: Conn, org_id: uuid.UUID, version: str, actor: str) -> None:
    await conn.execute(
        "INSERT INTO values_acceptances (organisation_id, values_version, accepted_by)"
        " VALUES ($1, $2, $3)",
        org_id,
        version,
        actor,
    )


async def values_acceptances(conn: Conn, org_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT values_version, accepted_by, accepted_at FROM values_acceptances"
        " WHERE organisation_id = $1 ORDER BY accepted_at",
        org_id,
    )
    return [dict(r) for r in rows]


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


# -- issuer activity ----------------------------------------------------------------------


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


# -- check evidence -----------------------------------------------------------------------


async def insert_checks(
    conn: Conn, app_id: uuid.UUID, scheme_version: int, results: list[dict[str, Any]]
) -> None:
    await conn.execute(
        "INSERT INTO application_checks (application_id, scheme_version, results)"
        " VALUES ($1, $2, $3::jsonb)",
        app_id,
        scheme_version,
        results,
    )


async def checks(conn: Conn, app_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT checked_at, scheme_version, results FROM application_checks"
        " WHERE application_id = $1 ORDER BY checked_at",
        app_id,
    )
    return [dict(r) for r in rows]


async def application_view(conn: Conn, app_id: uuid.UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT id, organisation_id, state, renewal_of, submission, applied_at, decide_by,"
        " scheme_version, created_at FROM label_applications WHERE id = $1",
        app_id,
    )
    if row is None:
        return None
    history = await conn.fetch(
        "SELECT action, state, actor, reason, at FROM label_application_history"
        " WHERE application_id = $1 ORDER BY at",
        app_id,
    )
    return {**dict(row), "history": [dict(h) for h in history]}


# -- monitoring ---------------------------------------------------------------------------


async def valid_grants(conn: Conn) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT g.id, g.organisation_id, g.valid_from, a.scheme_version FROM label_grants g"
        " JOIN label_applications a ON a.id = g.application_id"
        " WHERE g.state = 'active' ORDER BY g.valid_from"
    )
    return [dict(r) for r in rows]


async def open_case(
    conn: Conn, grant_id: uuid.UUID, kind: str, details: dict[str, Any]
) -> uuid.UUID | None:
    """A new case, or None when one of that kind is already open for the grant."""
    case_id: uuid.UUID | None = await conn.fetchval(
        "INSERT INTO monitoring_cases (id, grant_id, kind, details) VALUES ($1, $2, $3, $4::jsonb)"
        " ON CONFLICT (grant_id, kind) WHERE closed_at IS NULL DO NOTHING RETURNING id",
        uuid.uuid4(),
        grant_id,
        kind,
        details,
    )
    return case_id


async def cases(conn: Conn, *, open_only: bool) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT c.id, c.grant_id, g.organisation_id, c.kind, c.details, c.opened_at,"
        " c.closed_at, c.closed_by, c.note FROM monitoring_cases c"
        " JOIN label_grants g ON g.id = c.grant_id"
        " WHERE NOT $1 OR c.closed_at IS NULL ORDER BY c.opened_at",
        open_only,
    )
    return [dict(r) for r in rows]


async def close_case(
    conn: Conn, case_id: uuid.UUID, actor: str, note: str, at: datetime
) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "UPDATE monitoring_cases SET closed_at = $4, closed_by = $2, note = $3"
        " WHERE id = $1 AND closed_at IS NULL"
        " RETURNING id, grant_id, kind, closed_at, closed_by, note",
        case_id,
        actor,
        note,
        at,
    )
    return dict(row) if row else None
