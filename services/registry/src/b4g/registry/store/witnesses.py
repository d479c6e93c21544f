"""SQL of the issuance witnesses: which credential (by the sha256 of its id) the registry saw our
issuer announce, for which DID and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from b4g.core.infra.db import Conn


@dataclass(frozen=True, slots=True)
class WitnessRow:
    credential_hash: bytes
    issuer_did: str
    seen_at: datetime


async def is_proven(conn: Conn, did: str) -> bool:
    found = await conn.fetchval(
        "SELECT true FROM dids WHERE did = $1 AND proven_at IS NOT NULL", did
    )
    return bool(found)


async def record(conn: Conn, credential_hash: bytes, did: str) -> WitnessRow | None:
    """Witness a credential now (the database's clock); None when it was witnessed before (a
    redelivered event never moves the witnessed time)."""
    issuer = await conn.fetchval("SELECT id FROM witness_issuers WHERE did = $1", did)
    if issuer is None:  # the DID's first witness: stored once, referenced by every row
        issuer = await conn.fetchval(
            "INSERT INTO witness_issuers (did) VALUES ($1)"
            " ON CONFLICT (did) DO UPDATE SET did = EXCLUDED.did RETURNING id",
            did,
        )
    seen_at = await conn.fetchval(
        "INSERT INTO issuance_witnesses (credential_hash, issuer, seen_at) VALUES ($1, $2, now())"
        " ON CONFLICT (credential_hash) DO NOTHING RETURNING seen_at",
        credential_hash,
        issuer,
    )
    return WitnessRow(credential_hash, did, seen_at) if seen_at is not None else None


async def witness(conn: Conn, credential_hash: bytes) -> WitnessRow | None:
    row = await conn.fetchrow(
        "SELECT w.seen_at, i.did FROM issuance_witnesses w"
        " JOIN witness_issuers i ON i.id = w.issuer WHERE w.credential_hash = $1",
        credential_hash,
    )
    return WitnessRow(credential_hash, row["did"], row["seen_at"]) if row else None


async def count(conn: Conn) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM issuance_witnesses"))
