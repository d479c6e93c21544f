"""All SQL of the verifier's local state (status lists, issuer keys, trust)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from b4g.core.infra.db import Conn


@dataclass(frozen=True, slots=True)
class StoredList:
    list_id: str
    version: int
    body: bytes
    etag: str
    ttl_seconds: int
    credential: dict[str, Any]


async def upsert_status_list(
    conn: Conn,
    *,
    list_id: str,
    url: str,
    purpose: str,
    version: int,
    credential: dict[str, Any],
    body: bytes,
    etag: str,
    ttl_seconds: int,
) -> bool:
    """Keep only the newest version: an older or repeated version changes nothing."""
    row = await conn.fetchval(
        "INSERT INTO status_lists (list_id, url, purpose, version, credential, body, etag,"
        " ttl_seconds) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (list_id) DO UPDATE SET url = EXCLUDED.url, purpose = EXCLUDED.purpose,"
        " version = EXCLUDED.version, credential = EXCLUDED.credential, body = EXCLUDED.body,"
        " etag = EXCLUDED.etag, ttl_seconds = EXCLUDED.ttl_seconds, updated_at = now()"
        " WHERE status_lists.version < EXCLUDED.version RETURNING true",
        list_id,
        url,
        purpose,
        version,
        credential,
        body,
        etag,
        ttl_seconds,
    )
    return bool(row)


async def status_list(conn: Conn, list_id: str) -> StoredList | None:
    row = await conn.fetchrow(
        "SELECT list_id, version, body, etag, ttl_seconds, credential FROM status_lists"
        " WHERE list_id = $1",
        list_id,
    )
    return StoredList(**dict(row)) if row else None


async def status_list_by_url(conn: Conn, url: str) -> StoredList | None:
    row = await conn.fetchrow(
        "SELECT list_id, version, body, etag, ttl_seconds, credential FROM status_lists"
        " WHERE url = $1",
        url,
    )
    return StoredList(**dict(row)) if row else None


async def upsert_issuer(
    conn: Conn,
    *,
    issuer_id: str,
    did: str,
    profile: dict[str, Any],
    methods: list[tuple[str, str, str]],
) -> None:
    """Replace an issuer's profile and verification methods (id, multibase key, state)."""
    await conn.execute(
        "INSERT INTO issuers (issuer_id, did, profile) VALUES ($1, $2, $3)"
        " ON CONFLICT (issuer_id) DO UPDATE SET did = EXCLUDED.did, profile = EXCLUDED.profile,"
        " updated_at = now()",
        issuer_id,
        did,
        profile,
    )
    await conn.execute("DELETE FROM verification_methods WHERE did = $1", did)
    await conn.executemany(
        "INSERT INTO verification_methods (did, id, public_key_multibase, state)"
        " VALUES ($1, $2, $3, $4)",
        [(did, vm_id, key, state) for vm_id, key, state in methods],
    )


async def verification_methods(conn: Conn, did: str) -> list[tuple[str, str, str]]:
    rows = await conn.fetch(
        "SELECT id, public_key_multibase, state FROM verification_methods WHERE did = $1"
        " ORDER BY id",
        did,
    )
    return [(r["id"], r["public_key_multibase"], r["state"]) for r in rows]


async def upsert_trust(conn: Conn, did: str, state: dict[str, Any]) -> None:
    # A redelivered or late older state (lower sequence) never replaces a newer one.
    await conn.execute(
        "INSERT INTO trust_states (did, state) VALUES ($1, $2)"
        " ON CONFLICT (did) DO UPDATE SET state = EXCLUDED.state, updated_at = now()"
        " WHERE coalesce((trust_states.state->>'sequence')::bigint, 0)"
        " <= coalesce((EXCLUDED.state->>'sequence')::bigint, 0)",
        did,
        state,
    )


async def trust_state(conn: Conn, did: str) -> tuple[dict[str, Any], Any] | None:
    row = await conn.fetchrow("SELECT state, updated_at FROM trust_states WHERE did = $1", did)
    return (row["state"], row["updated_at"]) if row else None


async def mark_caught_up(conn: Conn, consumer: str) -> None:
    await conn.execute(
        """
        INSERT INTO consumer_sync (consumer, caught_up_at) VALUES ($1, now())
        ON CONFLICT (consumer) DO UPDATE SET caught_up_at = EXCLUDED.caught_up_at
        """,
        consumer,
    )


async def seconds_since_caught_up(conn: Conn, consumer: str) -> float | None:
    """None when the consumer has never caught up."""
    age = await conn.fetchval(
        "SELECT extract(epoch FROM now() - caught_up_at) FROM consumer_sync WHERE consumer = $1",
        consumer,
    )
    return float(age) if age is not None else None
