"""SQL of the issuance witnesses: which credential (by the sha256 of its id) the registry saw our
issuer announce, for which DID and when."""

from __future__ import annotations

from datetime import datetime

from b4g.core.infra.db import Conn
from b4g.registry.store.rows import WitnessRow, row_of


async def is_proven(conn: Conn, did: str) -> bool:
    found = await conn.fetchval(
        "SELECT true FROM dids WHERE did = $1 AND proven_at IS NOT NULL", did
    )
    return bool(found)


async def record(
    conn: Conn, credential_hash: bytes, did: str, seen_at: datetime
) -> WitnessRow | None:
    """Witness a credential at `seen_at` (the registry's clock); None when it was witnessed
    before (a redelivered event never moves the witnessed time)."""
    issuer = await conn.fetchval("SELECT id FROM witness_issuers WHERE did = $1", did)
    if issuer is None:  # the DID's first witness: stored once, referenced by every row
        issuer = await conn.fetchval(
            "INSERT INTO witness_issuers (did) VALUES ($1)"
            " ON CONFLICT (did) DO UPDATE SET did = EXCLUDED.did RETURNING id",
            did,
        )
    stored = await conn.fetchval(
        "INSERT INTO issuance_witnesses (credential_hash, issuer, seen_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (credential_hash) DO NOTHING RETURNING seen_at",
        credential_hash,
        issuer,
        seen_at,
    )
    return WitnessRow(credential_hash, did, stored) if stored is not None else None


async def witness(conn: Conn, credential_hash: bytes) -> WitnessRow | None:
    return row_of(
        WitnessRow,
        await conn.fetchrow(
            "SELECT w.credential_hash, i.did AS issuer_did, w.seen_at FROM issuance_witnesses w"
            " JOIN witness_issuers i ON i.id = w.issuer WHERE w.credential_hash = $1",
            credential_hash,
        ),
    )


async def count(conn: Conn) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM issuance_witnesses"))
