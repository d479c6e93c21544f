"""SQL of platforms (tenants) and their API keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from b4g.core.infra.db import Conn


@dataclass(frozen=True, slots=True)
class PlatformRow:
    id: uuid.UUID
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ApiKeyRow:
    key_id: str
    platform_id: uuid.UUID
    name: str
    scopes: tuple[str, ...]
    secret_hash: bytes
    created_at: datetime
    revoked_at: datetime | None

    def __repr__(self) -> str:
        return f"ApiKeyRow(key_id={self.key_id!r}, platform_id={self.platform_id})"


async def insert_platform(conn: Conn, platform_id: uuid.UUID, name: str) -> PlatformRow:
    row = await conn.fetchrow(
        "INSERT INTO platforms (id, name) VALUES ($1, $2) RETURNING id, name, created_at",
        platform_id,
        name,
    )
    assert row is not None
    return PlatformRow(row["id"], row["name"], row["created_at"])


async def platform_exists(conn: Conn, platform_id: uuid.UUID) -> bool:
    found = await conn.fetchval("SELECT true FROM platforms WHERE id = $1", platform_id)
    return bool(found)


async def set_default_issuer(conn: Conn, platform_id: uuid.UUID, issuer_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE platforms SET default_issuer_id = $2 WHERE id = $1", platform_id, issuer_id
    )


async def insert_api_key(
    conn: Conn,
    *,
    key_id: str,
    platform_id: uuid.UUID,
    name: str,
    scopes: list[str],
    secret_hash: bytes,
) -> ApiKeyRow:
    row = await conn.fetchrow(
        "INSERT INTO api_keys (key_id, platform_id, name, scopes, secret_hash)"
        " VALUES ($1, $2, $3, $4, $5) RETURNING *",
        key_id,
        platform_id,
        name,
        scopes,
        secret_hash,
    )
    assert row is not None
    return _key(row)


async def get_api_key(conn: Conn, key_id: str) -> ApiKeyRow | None:
    row = await conn.fetchrow("SELECT * FROM api_keys WHERE key_id = $1", key_id)
    return _key(row) if row is not None else None


async def list_api_keys(conn: Conn, platform_id: uuid.UUID) -> list[ApiKeyRow]:
    rows = await conn.fetch(
        "SELECT * FROM api_keys WHERE platform_id = $1 ORDER BY created_at, key_id", platform_id
    )
    return [_key(row) for row in rows]


async def revoke_api_key(conn: Conn, platform_id: uuid.UUID, key_id: str) -> ApiKeyRow | None:
    """Marks the key revoked (keeps the first revocation time); None when not this platform's."""
    row = await conn.fetchrow(
        "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())"
        " WHERE key_id = $1 AND platform_id = $2 RETURNING *",
        key_id,
        platform_id,
    )
    return _key(row) if row is not None else None


def _key(row: asyncpg.Record) -> ApiKeyRow:
    return ApiKeyRow(
        key_id=row["key_id"],
        platform_id=row["platform_id"],
        name=row["name"],
        scopes=tuple(row["scopes"]),
        secret_hash=bytes(row["secret_hash"]),
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
