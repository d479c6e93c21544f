"""SQL of the registry's API keys."""

from __future__ import annotations

import uuid

from b4g.core.infra.db import Conn
from b4g.registry.store.rows import ApiKeyRow, row_of

_ACTIVE_KEY = (
    "SELECT key_id, secret_hash, role, organisation_id FROM api_keys"
    " WHERE key_id = $1 AND revoked_at IS NULL"
)


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


async def api_key(conn: Conn, key_id: str) -> ApiKeyRow | None:
    return row_of(ApiKeyRow, await conn.fetchrow(_ACTIVE_KEY, key_id))
