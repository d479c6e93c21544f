"""SQL of the verifier's copy of the registry's issuance witnesses."""

from __future__ import annotations

from datetime import datetime

from b4g.core.infra.db import Conn


async def upsert(conn: Conn, credential_hash: bytes, did: str, seen_at: datetime) -> None:
    """Keep a witness; a redelivered one changes nothing (the registry writes each once)."""
    issuer = await conn.fetchval("SELECT id FROM witness_issuers WHERE did = $1", did)
    if issuer is None:
        issuer = await conn.fetchval(
            "INSERT INTO witness_issuers (did) VALUES ($1)"
            " ON CONFLICT (did) DO UPDATE SET did = EXCLUDED.did RETURNING id",
            did,
        )
    await conn.execute(
        "INSERT INTO issuance_witnesses (credential_hash, issuer, seen_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (credential_hash) DO NOTHING",
        credential_hash,
        issuer,
        seen_at,
    )


async def witnessed_at(conn: Conn, credential_hash: bytes, did: str) -> datetime | None:
    """When the registry witnessed this credential for `did` (one primary-key probe)."""
    found: datetime | None = await conn.fetchval(
        "SELECT w.seen_at FROM issuance_witnesses w JOIN witness_issuers i ON i.id = w.issuer"
        " WHERE w.credential_hash = $1 AND i.did = $2",
        credential_hash,
        did,
    )
    return found
