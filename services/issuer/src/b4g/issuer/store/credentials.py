"""SQL of issued credentials and their status history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from b4g.core.infra.db import Conn


@dataclass(frozen=True, slots=True)
class CredentialRow:
    id: uuid.UUID
    platform_id: uuid.UUID
    issuer_id: uuid.UUID
    achievement_id: uuid.UUID | None  # None: a W3C VC API credential (the caller's document)
    achievement_version: int | None
    recipient: str
    status: str
    formats: tuple[str, ...]
    document: dict[str, Any] | None
    jwt: str | None
    status_list_id: uuid.UUID
    status_list_index: int
    suspension_list_id: uuid.UUID | None
    suspension_index: int | None
    issued_at: datetime
    valid_from: datetime | None
    valid_until: datetime | None
    request_hash: bytes | None


@dataclass(frozen=True, slots=True)
class StatusChangeRow:
    status: str
    reason: str | None
    actor: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class CredentialFilter:
    issuer_id: uuid.UUID | None = None
    achievement_id: uuid.UUID | None = None
    recipient: str | None = None
    status: str | None = None
    issued_after: datetime | None = None
    issued_before: datetime | None = None


_INSERT = (
    "INSERT INTO credentials (id, platform_id, issuer_id, achievement_id,"
    " achievement_version, recipient, status, formats, document, jwt, status_list_id,"
    " status_list_index, suspension_list_id, suspension_index, issued_at, valid_from,"
    " valid_until, idempotency_key, request_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
    " $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
)


def _insert_args(row: CredentialRow, idempotency_key: str | None) -> tuple[Any, ...]:
    return (
        row.id,
        row.platform_id,
        row.issuer_id,
        row.achievement_id,
        row.achievement_version,
        row.recipient,
        row.status,
        list(row.formats),
        row.document,
        row.jwt,
        row.status_list_id,
        row.status_list_index,
        row.suspension_list_id,
        row.suspension_index,
        row.issued_at,
        row.valid_from,
        row.valid_until,
        idempotency_key,
        row.request_hash,
    )


async def insert_credentials(conn: Conn, rows: Sequence[tuple[CredentialRow, str | None]]) -> None:
    """Several credentials (each with its Idempotency-Key) in one pipelined round trip."""
    await conn.executemany(_INSERT, [_insert_args(row, key) for row, key in rows])


async def by_idempotency_key(
    conn: Conn, platform_id: uuid.UUID, idempotency_key: str
) -> CredentialRow | None:
    row = await conn.fetchrow(
        "SELECT * FROM credentials WHERE platform_id = $1 AND idempotency_key = $2",
        platform_id,
        idempotency_key,
    )
    return _row(row) if row is not None else None


async def by_idempotency_keys(
    conn: Conn, keys: Sequence[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], CredentialRow]:
    """The credentials these (platform, Idempotency-Key) pairs name, in one statement."""
    rows = await conn.fetch(
        "SELECT c.* FROM credentials c"
        " JOIN unnest($1::uuid[], $2::text[]) AS k(platform_id, key)"
        " ON c.platform_id = k.platform_id AND c.idempotency_key = k.key",
        [platform for platform, _ in keys],
        [key for _, key in keys],
    )
    return {(row["platform_id"], row["idempotency_key"]): _row(row) for row in rows}


async def get_credential(
    conn: Conn, credential_id: uuid.UUID, platform_id: uuid.UUID, *, lock: bool = False
) -> CredentialRow | None:
    row = await conn.fetchrow(_GET_FOR_UPDATE if lock else _GET, credential_id, platform_id)
    return _row(row) if row is not None else None


_GET = "SELECT * FROM credentials WHERE id = $1 AND platform_id = $2"
_GET_FOR_UPDATE = _GET + " FOR UPDATE"


async def list_credentials(
    conn: Conn, platform_id: uuid.UUID, where: CredentialFilter, *, limit: int, offset: int
) -> list[CredentialRow]:
    rows = await conn.fetch(
        "SELECT * FROM credentials WHERE platform_id = $1"
        " AND ($2::uuid IS NULL OR issuer_id = $2)"
        " AND ($3::uuid IS NULL OR achievement_id = $3)"
        " AND ($4::text IS NULL OR recipient = $4)"
        " AND ($5::text IS NULL OR status = $5)"
        " AND ($6::timestamptz IS NULL OR issued_at >= $6)"
        " AND ($7::timestamptz IS NULL OR issued_at < $7)"
        " ORDER BY issued_at DESC, id DESC LIMIT $8 OFFSET $9",
        platform_id,
        where.issuer_id,
        where.achievement_id,
        where.recipient,
        where.status,
        where.issued_after,
        where.issued_before,
        limit,
        offset,
    )
    return [_row(row) for row in rows]


async def set_status(
    conn: Conn, credential_id: uuid.UUID, status: str, *, reason: str | None, actor: str
) -> StatusChangeRow:
    await conn.execute("UPDATE credentials SET status = $2 WHERE id = $1", credential_id, status)
    row = await conn.fetchrow(
        "INSERT INTO credential_status_changes (credential_id, status, reason, actor)"
        " VALUES ($1, $2, $3, $4) RETURNING status, reason, actor, changed_at",
        credential_id,
        status,
        reason,
        actor,
    )
    assert row is not None
    return StatusChangeRow(row["status"], row["reason"], row["actor"], row["changed_at"])


async def status_history(conn: Conn, credential_id: uuid.UUID) -> list[StatusChangeRow]:
    rows = await conn.fetch(
        "SELECT status, reason, actor, changed_at FROM credential_status_changes"
        " WHERE credential_id = $1 ORDER BY id",
        credential_id,
    )
    return [StatusChangeRow(r["status"], r["reason"], r["actor"], r["changed_at"]) for r in rows]


def _row(row: asyncpg.Record) -> CredentialRow:
    return CredentialRow(
        id=row["id"],
        platform_id=row["platform_id"],
        issuer_id=row["issuer_id"],
        achievement_id=row["achievement_id"],
        achievement_version=row["achievement_version"],
        recipient=row["recipient"],
        status=row["status"],
        formats=tuple(row["formats"]),
        document=row["document"],
        jwt=row["jwt"],
        status_list_id=row["status_list_id"],
        status_list_index=row["status_list_index"],
        suspension_list_id=row["suspension_list_id"],
        suspension_index=row["suspension_index"],
        issued_at=row["issued_at"],
        valid_from=row["valid_from"],
        valid_until=row["valid_until"],
        request_hash=bytes(row["request_hash"]) if row["request_hash"] is not None else None,
    )
