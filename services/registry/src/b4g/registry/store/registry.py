"""All SQL of the registry service."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from b4g.core.infra.db import Conn

_ORG = (
    "SELECT id, legal_name, country, website, contact_email, status, created_at"
    " FROM organisations WHERE id = $1"
)
_ORG_FOR_UPDATE = _ORG + " FOR UPDATE"
_DID = (
    "SELECT did, organisation_id, challenge, challenge_expires, proven_at, valid_from,"
    " valid_until, trust_sequence FROM dids WHERE did = $1"
)
_DID_FOR_UPDATE = _DID + " FOR UPDATE"


async def insert_api_key(
    conn: Conn,
    key_id: str,
    secret_hash: bytes,
    role: str,
    organisation_id: uuid.UUID | None,
    label: str,
) -> None:
    await conn.execute(
        "INSERT INTO api_keys (key_id, secret_hash, role, organisation_id, label)"
        " VALUES ($1, $2, $3, $4, $5)",
        key_id,
        secret_hash,
        role,
        organisation_id,
        label,
    )


async def api_key(conn: Conn, key_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT key_id, secret_hash, role, organisation_id FROM api_keys"
        " WHERE key_id = $1 AND revoked_at IS NULL",
        key_id,
    )
    return dict(row) if row else None


async def insert_organisation(conn: Conn, org: dict[str, Any], actor: str) -> None:
    await conn.execute(
        "INSERT INTO organisations (id, legal_name, country, website, contact_email)"
        " VALUES ($1, $2, $3, $4, $5)",
        org["id"],
        org["legal_name"],
        org["country"],
        org.get("website"),
        org.get("contact_email"),
    )
    await conn.execute(
        "INSERT INTO organisation_status_history (organisation_id, status, actor)"
        " VALUES ($1, 'active', $2)",
        org["id"],
        actor,
    )


async def organisation(
    conn: Conn, org_id: uuid.UUID, *, lock: bool = False
) -> dict[str, Any] | None:
    query = _ORG_FOR_UPDATE if lock else _ORG
    row = await conn.fetchrow(query, org_id)
    return dict(row) if row else None


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


async def upsert_did_challenge(
    conn: Conn, did: str, org_id: uuid.UUID, challenge: str, expires: datetime
) -> bool:
    """Register (or re-challenge) a DID for an organisation; False if another owns it."""
    row = await conn.fetchval(
        "INSERT INTO dids (did, organisation_id, challenge, challenge_expires)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (did) DO UPDATE"
        " SET challenge = EXCLUDED.challenge, challenge_expires = EXCLUDED.challenge_expires"
        " WHERE dids.organisation_id = EXCLUDED.organisation_id RETURNING true",
        did,
        org_id,
        challenge,
        expires,
    )
    return bool(row)


async def did_row(conn: Conn, did: str, *, lock: bool = False) -> dict[str, Any] | None:
    row = await conn.fetchrow(_DID_FOR_UPDATE if lock else _DID, did)
    return dict(row) if row else None


async def mark_proven(conn: Conn, did: str, at: datetime) -> None:
    # The challenge is spent: expiring it now makes it single-use (a replay is refused).
    await conn.execute(
        "UPDATE dids SET proven_at = $2, challenge_expires = least(challenge_expires, $2)"
        " WHERE did = $1",
        did,
        at,
    )


async def set_did_validity(
    conn: Conn, did: str, valid_from: datetime | None, valid_until: datetime | None
) -> None:
    await conn.execute(
        "UPDATE dids SET valid_from = coalesce($2, valid_from), valid_until = $3 WHERE did = $1",
        did,
        valid_from,
        valid_until,
    )


async def dids_of(conn: Conn, org_id: uuid.UUID) -> list[str]:
    rows = await conn.fetch("SELECT did FROM dids WHERE organisation_id = $1 ORDER BY did", org_id)
    return [r["did"] for r in rows]


async def next_trust_sequence(conn: Conn, did: str) -> int:
    value: int = await conn.fetchval(
        "UPDATE dids SET trust_sequence = trust_sequence + 1 WHERE did = $1"
        " RETURNING trust_sequence",
        did,
    )
    return value


async def last_audit_hash(conn: Conn) -> str:
    # The chain is extended one entry at a time: the lock serialises writers.
    await conn.execute("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")
    value = await conn.fetchval("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    return str(value) if value else ""


async def append_audit(conn: Conn, entry: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO audit_log (at, actor, action, subject, reason, before, after, prev_hash,"
        " hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        entry["at"],
        entry["actor"],
        entry["action"],
        entry["subject"],
        entry.get("reason"),
        entry.get("before"),
        entry.get("after"),
        entry["prev_hash"],
        entry["hash"],
    )


async def audit_entries(conn: Conn) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT seq, at, actor, action, subject, reason, before, after, prev_hash, hash"
        " FROM audit_log ORDER BY seq"
    )
    return [dict(r) for r in rows]


# -- the Quality Label ----------------------------------------------------------------------


async def insert_application(
    conn: Conn,
    app_id: uuid.UUID,
    org_id: uuid.UUID,
    renewal_of: uuid.UUID | None,
    state: str,
    actor: str,
) -> None:
    await conn.execute(
        "INSERT INTO label_applications (id, organisation_id, state, renewal_of)"
        " VALUES ($1, $2, $3, $4)",
        app_id,
        org_id,
        state,
        renewal_of,
    )
    await conn.execute(
        "INSERT INTO label_application_history (application_id, action, state, actor)"
        " VALUES ($1, 'create', $2, $3)",
        app_id,
        state,
        actor,
    )


async def application(conn: Conn, app_id: uuid.UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT id, organisation_id, state, renewal_of, submission, applied_at, decide_by"
        " FROM label_applications WHERE id = $1 FOR UPDATE",
        app_id,
    )
    return dict(row) if row else None


async def move_application(
    conn: Conn,
    app_id: uuid.UUID,
    action: str,
    state: str,
    actor: str,
    reason: str | None,
    submission: dict[str, Any] | None,
    applied_at: datetime | None,
    decide_by: datetime | None,
) -> None:
    await conn.execute(
        "UPDATE label_applications SET state = $2, submission = coalesce($3, submission),"
        " applied_at = coalesce($4, applied_at), decide_by = coalesce($5, decide_by)"
        " WHERE id = $1",
        app_id,
        state,
        submission,
        applied_at,
        decide_by,
    )
    await conn.execute(
        "INSERT INTO label_application_history (application_id, action, state, actor, reason)"
        " VALUES ($1, $2, $3, $4, $5)",
        app_id,
        action,
        state,
        actor,
        reason,
    )


async def insert_decision(
    conn: Conn,
    decision_id: uuid.UUID,
    kind: str,
    application_id: uuid.UUID | None,
    grant_id: uuid.UUID | None,
    reason: str,
    actor: str,
) -> None:
    await conn.execute(
        "INSERT INTO label_decisions (id, kind, application_id, grant_id, reason, proposed_by)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        decision_id,
        kind,
        application_id,
        grant_id,
        reason,
        actor,
    )


async def decision(conn: Conn, decision_id: uuid.UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT id, kind, application_id, grant_id, reason, proposed_by, confirmed_by"
        " FROM label_decisions WHERE id = $1 FOR UPDATE",
        decision_id,
    )
    return dict(row) if row else None


async def confirm_decision(conn: Conn, decision_id: uuid.UUID, actor: str) -> None:
    await conn.execute(
        "UPDATE label_decisions SET confirmed_by = $2, confirmed_at = now() WHERE id = $1",
        decision_id,
        actor,
    )


async def insert_grant(
    conn: Conn,
    grant_id: uuid.UUID,
    org_id: uuid.UUID,
    application_id: uuid.UUID,
    valid_from: datetime,
    valid_until: datetime,
    actor: str,
) -> None:
    await conn.execute(
        "INSERT INTO label_grants (id, organisation_id, application_id, state, valid_from,"
        " valid_until) VALUES ($1, $2, $3, 'active', $4, $5)",
        grant_id,
        org_id,
        application_id,
        valid_from,
        valid_until,
    )
    await conn.execute(
        "INSERT INTO label_grant_history (grant_id, state, actor, at) VALUES ($1, 'active', $2,"
        " $3)",
        grant_id,
        actor,
        valid_from,
    )


async def grant(conn: Conn, grant_id: uuid.UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT id, organisation_id, application_id, state, valid_from, valid_until"
        " FROM label_grants WHERE id = $1 FOR UPDATE",
        grant_id,
    )
    return dict(row) if row else None


async def move_grant(
    conn: Conn, grant_id: uuid.UUID, state: str, actor: str, reason: str | None, at: datetime
) -> None:
    await conn.execute("UPDATE label_grants SET state = $2 WHERE id = $1", grant_id, state)
    await conn.execute(
        "INSERT INTO label_grant_history (grant_id, state, actor, reason, at)"
        " VALUES ($1, $2, $3, $4, $5)",
        grant_id,
        state,
        actor,
        reason,
        at,
    )


async def latest_grant(conn: Conn, org_id: uuid.UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT id, state, valid_from, valid_until FROM label_grants WHERE organisation_id = $1"
        " ORDER BY valid_from DESC LIMIT 1",
        org_id,
    )
    return dict(row) if row else None


async def grant_history(conn: Conn, org_id: uuid.UUID) -> list[tuple[str, datetime]]:
    rows = await conn.fetch(
        "SELECT h.state, h.at FROM label_grant_history h JOIN label_grants g ON g.id = h.grant_id"
        " WHERE g.organisation_id = $1 ORDER BY h.at, g.valid_from",
        org_id,
    )
    return [(r["state"], r["at"]) for r in rows]


async def due_grants(conn: Conn, now: datetime) -> list[uuid.UUID]:
    rows = await conn.fetch(
        "SELECT id FROM label_grants WHERE state IN ('active', 'suspended')"
        " AND valid_until <= $1 ORDER BY valid_until LIMIT 100 FOR UPDATE SKIP LOCKED",
        now,
    )
    return [r["id"] for r in rows]
