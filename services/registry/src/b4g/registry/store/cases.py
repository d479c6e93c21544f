"""SQL of monitoring cases on valid grants."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from b4g.core.infra.db import Conn
from b4g.registry.store.rows import CaseRow, ClosedCaseRow, row_of, rows_of


async def open_case(
    conn: Conn, grant_id: uuid.UUID, kind: str, details: dict[str, Any]
) -> uuid.UUID | None:
    """A new case, or None when one of that kind is already open for the grant."""
    case_id: uuid.UUID | None = await conn.fetchval(
        "INSERT INTO monitoring_cases (id, grant_id, kind, details) VALUES ($1, $2, $3, $4::jsonb)"
        " ON CONFLICT (grant_id, kind) WHERE closed_at IS NULL DO NOTHING RETURNING id",
        uuid.uuid4(),
        grant_id,
        kind,
        details,
    )
    return case_id


async def cases(conn: Conn, *, open_only: bool) -> list[CaseRow]:
    rows = await conn.fetch(
        "SELECT c.id, c.grant_id, g.organisation_id, c.kind, c.details, c.opened_at,"
        " c.closed_at, c.closed_by, c.note FROM monitoring_cases c"
        " JOIN label_grants g ON g.id = c.grant_id"
        " WHERE NOT $1 OR c.closed_at IS NULL ORDER BY c.opened_at",
        open_only,
    )
    return rows_of(CaseRow, rows)


async def close_case(
    conn: Conn, case_id: uuid.UUID, actor: str, note: str, at: datetime
) -> ClosedCaseRow | None:
    row = await conn.fetchrow(
        "UPDATE monitoring_cases SET closed_at = $4, closed_by = $2, note = $3"
        " WHERE id = $1 AND closed_at IS NULL"
        " RETURNING id, grant_id, kind, closed_at, closed_by, note",
        case_id,
        actor,
        note,
        at,
    )
    return row_of(ClosedCaseRow, row)
