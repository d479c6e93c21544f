"""SQL of the audit log, a hash chain extended one entry at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from b4g.core.infra.db import Conn
from b4g.registry.store.rows import AuditRow, rows_of


async def last_audit_hash(conn: Conn) -> str:
    # The chain is extended one entry at a time: the lock serialises writers.
    await conn.execute("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")
    value = await conn.fetchval("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    return str(value) if value else ""


async def append_audit(
    conn: Conn,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    reason: str | None,
    before: Any,
    after: Any,
    prev_hash: str,
    hash: str,
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (at, actor, action, subject, reason, before, after, prev_hash,"
        " hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        at,
        actor,
        action,
        subject,
        reason,
        before,
        after,
        prev_hash,
        hash,
    )


async def audit_entries(conn: Conn) -> list[AuditRow]:
    rows = await conn.fetch(
        "SELECT seq, at, actor, action, subject, reason, before, after, prev_hash, hash"
        " FROM audit_log ORDER BY seq"
    )
    return rows_of(AuditRow, rows)
