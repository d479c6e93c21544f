"""SQL of issuer profiles and their signing keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from b4g.core.infra.db import Conn


@dataclass(frozen=True, slots=True)
class IssuerRow:
    id: uuid.UUID
    platform_id: uuid.UUID
    did: str
    did_method: str
    profile: dict[str, Any]  # OB 3.0 Profile fields except id and type
    allow_suspension: bool
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class KeyRow:
    id: uuid.UUID
    issuer_id: uuid.UUID
    verification_method: str
    public_key_multibase: str
    sealed_seed: bytes
    sealed_data_key: bytes
    key_ref: str
    state: str  # active | retired | compromised
    created_at: datetime
    retired_at: datetime | None
    compromised_at: datetime | None

    def __repr__(self) -> str:
        return f"KeyRow(id={self.id}, vm={self.verification_method!r}, state={self.state!r})"


_GET = "SELECT * FROM issuers WHERE id = $1 AND ($2::uuid IS NULL OR platform_id = $2)"
_GET_FOR_UPDATE = _GET + " FOR UPDATE"


async def insert_issuer(
    conn: Conn,
    *,
    issuer_id: uuid.UUID,
    platform_id: uuid.UUID,
    did: str,
    did_method: str,
    profile: dict[str, Any],
    allow_suspension: bool,
) -> IssuerRow:
    row = await conn.fetchrow(
        "INSERT INTO issuers (id, platform_id, did, did_method, profile, allow_suspension)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
        issuer_id,
        platform_id,
        did,
        did_method,
        profile,
        allow_suspension,
    )
    assert row is not None
    return _issuer(row)


async def get_issuer(
    conn: Conn, issuer_id: uuid.UUID, *, platform_id: uuid.UUID | None, lock: bool = False
) -> IssuerRow | None:
    """The issuer if it belongs to `platform_id` (None: any platform, for public documents);
    `lock` serialises changes of one issuer (keys, status lists) across replicas."""
    row = await conn.fetchrow(_GET_FOR_UPDATE if lock else _GET, issuer_id, platform_id)
    return _issuer(row) if row is not None else None


async def find_issuer(conn: Conn, ref: str, *, platform_id: uuid.UUID) -> IssuerRow | None:
    """The platform's issuer whose DID or id is `ref`."""
    try:
        as_id: uuid.UUID | None = uuid.UUID(ref)
    except ValueError:
        as_id = None
    row = await conn.fetchrow(
        "SELECT * FROM issuers WHERE platform_id = $1 AND (did = $2 OR id = $3)",
        platform_id,
        ref,
        as_id,
    )
    return _issuer(row) if row is not None else None


async def default_issuer(conn: Conn, platform_id: uuid.UUID) -> IssuerRow | None:
    """The platform's default issuer, or its only issuer when it has one and no default."""
    row = await conn.fetchrow(
        "SELECT i.* FROM platforms p JOIN issuers i ON i.id = p.default_issuer_id WHERE p.id = $1",
        platform_id,
    )
    if row is not None:
        return _issuer(row)
    rows = await conn.fetch("SELECT * FROM issuers WHERE platform_id = $1 LIMIT 2", platform_id)
    return _issuer(rows[0]) if len(rows) == 1 else None


async def list_issuers(
    conn: Conn, platform_id: uuid.UUID, *, limit: int, offset: int
) -> list[IssuerRow]:
    rows = await conn.fetch(
        "SELECT * FROM issuers WHERE platform_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3",
        platform_id,
        limit,
        offset,
    )
    return [_issuer(row) for row in rows]


async def update_profile(conn: Conn, issuer_id: uuid.UUID, profile: dict[str, Any]) -> IssuerRow:
    row = await conn.fetchrow(
        "UPDATE issuers SET profile = $2, version = version + 1, updated_at = now()"
        " WHERE id = $1 RETURNING *",
        issuer_id,
        profile,
    )
    assert row is not None
    return _issuer(row)


async def touch_issuer(conn: Conn, issuer_id: uuid.UUID) -> IssuerRow:
    """A key change is a new version of the issuer, too (consumers order by it)."""
    row = await conn.fetchrow(
        "UPDATE issuers SET version = version + 1, updated_at = now() WHERE id = $1 RETURNING *",
        issuer_id,
    )
    assert row is not None
    return _issuer(row)


async def insert_key(
    conn: Conn,
    *,
    key_id: uuid.UUID,
    issuer_id: uuid.UUID,
    verification_method: str,
    public_key_multibase: str,
    sealed_seed: bytes,
    sealed_data_key: bytes,
    key_ref: str,
) -> KeyRow:
    row = await conn.fetchrow(
        "INSERT INTO issuer_keys (id, issuer_id, verification_method, public_key_multibase,"
        " sealed_seed, sealed_data_key, key_ref, state)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, 'active') RETURNING *",
        key_id,
        issuer_id,
        verification_method,
        public_key_multibase,
        sealed_seed,
        sealed_data_key,
        key_ref,
    )
    assert row is not None
    return _key(row)


async def list_keys(conn: Conn, issuer_id: uuid.UUID) -> list[KeyRow]:
    rows = await conn.fetch(
        "SELECT * FROM issuer_keys WHERE issuer_id = $1 ORDER BY created_at, id", issuer_id
    )
    return [_key(row) for row in rows]


async def active_key(conn: Conn, issuer_id: uuid.UUID) -> KeyRow | None:
    row = await conn.fetchrow(
        "SELECT * FROM issuer_keys WHERE issuer_id = $1 AND state = 'active'", issuer_id
    )
    return _key(row) if row is not None else None


async def retire_active_key(conn: Conn, issuer_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE issuer_keys SET state = 'retired', retired_at = now()"
        " WHERE issuer_id = $1 AND state = 'active'",
        issuer_id,
    )


async def mark_compromised(conn: Conn, issuer_id: uuid.UUID, key_id: uuid.UUID) -> KeyRow | None:
    row = await conn.fetchrow(
        "UPDATE issuer_keys SET state = 'compromised', compromised_at = now(),"
        " retired_at = coalesce(retired_at, now())"
        " WHERE issuer_id = $1 AND id = $2 RETURNING *",
        issuer_id,
        key_id,
    )
    return _key(row) if row is not None else None


def _issuer(row: asyncpg.Record) -> IssuerRow:
    return IssuerRow(
        id=row["id"],
        platform_id=row["platform_id"],
        did=row["did"],
        did_method=row["did_method"],
        profile=row["profile"],
        allow_suspension=row["allow_suspension"],
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _key(row: asyncpg.Record) -> KeyRow:
    return KeyRow(
        id=row["id"],
        issuer_id=row["issuer_id"],
        verification_method=row["verification_method"],
        public_key_multibase=row["public_key_multibase"],
        sealed_seed=bytes(row["sealed_seed"]),
        sealed_data_key=bytes(row["sealed_data_key"]),
        key_ref=row["key_ref"],
        state=row["state"],
        created_at=row["created_at"],
        retired_at=row["retired_at"],
        compromised_at=row["compromised_at"],
    )


async def all_issuers(conn: Conn) -> list[IssuerRow]:
    """Every issuer profile (for publishing the current state again after a broker lost it)."""
    return [_issuer(row) for row in await conn.fetch("SELECT * FROM issuers ORDER BY id")]
