"""SQL of bulk issuance jobs and their rows."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from b4g.core.infra.db import Conn


@dataclass(frozen=True, slots=True)
class JobRow:
    id: uuid.UUID
    platform_id: uuid.UUID
    issuer_id: uuid.UUID
    key_id: str
    total: int
    request_hash: bytes | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Progress:
    issued: int
    failed: int
    pending: int
    finished_at: datetime | None  # when the last row was processed (only meaningful when done)


@dataclass(frozen=True, slots=True)
class NewRow:
    row_number: int
    request: dict[str, Any]
    error_code: str | None = None  # set: the row is refused at upload (state failed)
    error_detail: str | None = None


@dataclass(frozen=True, slots=True)
class ResultRow:
    row_number: int
    state: str
    credential_id: uuid.UUID | None
    error_code: str | None
    error_detail: str | None
    processed_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    job_id: uuid.UUID
    row_number: int
    request: dict[str, Any]


async def insert_job(
    conn: Conn,
    *,
    job_id: uuid.UUID,
    platform_id: uuid.UUID,
    issuer_id: uuid.UUID,
    key_id: str,
    rows: list[NewRow],
    idempotency_key: str | None,
    request_hash: bytes | None,
) -> JobRow:
    record = await conn.fetchrow(
        "INSERT INTO bulk_jobs (id, platform_id, issuer_id, key_id, total, idempotency_key,"
        " request_hash) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *",
        job_id,
        platform_id,
        issuer_id,
        key_id,
        len(rows),
        idempotency_key,
        request_hash,
    )
    assert record is not None
    # One statement for all rows (up to 10,000): arrays unnested server-side.
    await conn.execute(
        "INSERT INTO bulk_job_rows (job_id, row_number, request, state, error_code,"
        " error_detail, processed_at)"
        " SELECT $1, n, r::jsonb, CASE WHEN c IS NULL THEN 'pending' ELSE 'failed' END, c, d,"
        " CASE WHEN c IS NULL THEN NULL ELSE now() END"
        " FROM unnest($2::integer[], $3::text[], $4::text[], $5::text[]) AS u(n, r, c, d)",
        job_id,
        [row.row_number for row in rows],
        [json.dumps(row.request) for row in rows],
        [row.error_code for row in rows],
        [row.error_detail for row in rows],
    )
    return _job(record)


async def by_idempotency_key(conn: Conn, platform_id: uuid.UUID, key: str) -> JobRow | None:
    record = await conn.fetchrow(
        "SELECT * FROM bulk_jobs WHERE platform_id = $1 AND idempotency_key = $2",
        platform_id,
        key,
    )
    return _job(record) if record is not None else None


async def get_job(
    conn: Conn, job_id: uuid.UUID, *, platform_id: uuid.UUID | None, issuer_id: uuid.UUID | None
) -> JobRow | None:
    """The job when it is the platform's and the issuer's (None: any, for the worker)."""
    record = await conn.fetchrow(
        "SELECT * FROM bulk_jobs WHERE id = $1 AND ($2::uuid IS NULL OR platform_id = $2)"
        " AND ($3::uuid IS NULL OR issuer_id = $3)",
        job_id,
        platform_id,
        issuer_id,
    )
    return _job(record) if record is not None else None


async def progress(conn: Conn, job_id: uuid.UUID) -> Progress:
    record = await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE state = 'issued') AS issued,"
        " count(*) FILTER (WHERE state = 'failed') AS failed,"
        " count(*) FILTER (WHERE state = 'pending') AS pending,"
        " max(processed_at) AS finished_at FROM bulk_job_rows WHERE job_id = $1",
        job_id,
    )
    assert record is not None
    return Progress(record["issued"], record["failed"], record["pending"], record["finished_at"])


async def result_rows(
    conn: Conn, job_id: uuid.UUID, *, state: str | None, limit: int, offset: int
) -> list[ResultRow]:
    records = await conn.fetch(
        "SELECT row_number, state, credential_id, error_code, error_detail, processed_at"
        " FROM bulk_job_rows WHERE job_id = $1 AND ($2::text IS NULL OR state = $2)"
        " ORDER BY row_number LIMIT $3 OFFSET $4",
        job_id,
        state,
        limit,
        offset,
    )
    return [
        ResultRow(
            r["row_number"],
            r["state"],
            r["credential_id"],
            r["error_code"],
            r["error_detail"],
            r["processed_at"],
        )
        for r in records
    ]


async def claim_rows(conn: Conn, limit: int) -> list[ClaimedRow]:
    """Locks up to `limit` pending rows no other worker holds (the locks last the caller's
    transaction: a worker that dies releases them, and the rows are pending again)."""
    records = await conn.fetch(
        "SELECT job_id, row_number, request FROM bulk_job_rows WHERE state = 'pending'"
        " ORDER BY job_id, row_number LIMIT $1 FOR UPDATE SKIP LOCKED",
        limit,
    )
    return [ClaimedRow(r["job_id"], r["row_number"], r["request"]) for r in records]


async def jobs_by_id(conn: Conn, job_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, JobRow]:
    records = await conn.fetch("SELECT * FROM bulk_jobs WHERE id = ANY($1::uuid[])", job_ids)
    return {record["id"]: _job(record) for record in records}


async def rows_issued(conn: Conn, issued: Sequence[tuple[uuid.UUID, int, uuid.UUID]]) -> None:
    """Marks (job, row number, credential) rows issued, in one pipelined round trip."""
    await conn.executemany(
        "UPDATE bulk_job_rows SET state = 'issued', credential_id = $3, processed_at = now()"
        " WHERE job_id = $1 AND row_number = $2",
        issued,
    )


async def row_failed(
    conn: Conn, job_id: uuid.UUID, row_number: int, code: str, detail: str
) -> None:
    await conn.execute(
        "UPDATE bulk_job_rows SET state = 'failed', error_code = $3, error_detail = $4,"
        " processed_at = now() WHERE job_id = $1 AND row_number = $2",
        job_id,
        row_number,
        code,
        detail,
    )


def _job(record: asyncpg.Record) -> JobRow:
    request_hash = record["request_hash"]
    return JobRow(
        id=record["id"],
        platform_id=record["platform_id"],
        issuer_id=record["issuer_id"],
        key_id=record["key_id"],
        total=record["total"],
        request_hash=bytes(request_hash) if request_hash is not None else None,
        created_at=record["created_at"],
    )
