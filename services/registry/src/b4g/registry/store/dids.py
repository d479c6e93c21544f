"""SQL of the DIDs organisations register, prove control of, and retire."""

from __future__ import annotations

import uuid
from datetime import datetime

from b4g.core.infra.db import Conn
from b4g.registry.store.rows import DidRow, row_of

_DID = (
    "SELECT did, organisation_id, challenge, challenge_expires, proven_at, valid_from,"
    " valid_until, trust_sequence FROM dids WHERE did = $1"
)
_DID_FOR_UPDATE = _DID + " FOR UPDATE"


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


async def did_row(conn: Conn, did: str, *, lock: bool = False) -> DidRow | None:
    return row_of(DidRow, await conn.fetchrow(_DID_FOR_UPDATE if lock else _DID, did))


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


async def proven_did_owners(conn: Conn) -> list[tuple[str, uuid.UUID]]:
    """Every proven DID and its organisation (for publishing trust again after a broker lost
    it)."""
    rows = await conn.fetch(
        "SELECT did, organisation_id FROM dids WHERE proven_at IS NOT NULL ORDER BY did"
    )
    return [(row["did"], row["organisation_id"]) for row in rows]
