"""SQL of Quality Label grants and their state history."""

from __future__ import annotations

import uuid
from datetime import datetime

from b4g.core.infra.db import Conn
from b4g.registry.store.rows import GrantRow, GrantTermRow, ValidGrantRow, row_of, rows_of


async def insert_grant(
    conn: Conn,
    grant_id: uuid.UUID,
    org_id: uuid.UUID,
    application_id: uuid.UUID,
    valid_from: datetime,
    valid_until: datetime,
    actor: str,
) -> None:
    await conn.execute(
        "INSERT INTO label_grants (id, organisation_id, application_id, state, valid_from,"
        " valid_until) VALUES ($1, $2, $3, 'active', $4, $5)",
        grant_id,
        org_id,
        application_id,
        valid_from,
        valid_until,
    )
    await conn.execute(
        "INSERT INTO label_grant_history (grant_id, state, actor, at) VALUES ($1, 'active', $2,"
        " $3)",
        grant_id,
        actor,
        valid_from,
    )


async def grant(conn: Conn, grant_id: uuid.UUID) -> GrantRow | None:
    row = await conn.fetchrow(
        "SELECT id, organisation_id, application_id, state, valid_from, valid_until"
        " FROM label_grants WHERE id = $1 FOR UPDATE",
        grant_id,
    )
    return row_of(GrantRow, row)


async def move_grant(
    conn: Conn, grant_id: uuid.UUID, state: str, actor: str, reason: str | None, at: datetime
) -> None:
    await conn.execute("UPDATE label_grants SET state = $2 WHERE id = $1", grant_id, state)
    await conn.execute(
        "INSERT INTO label_grant_history (grant_id, state, actor, reason, at)"
        " VALUES ($1, $2, $3, $4, $5)",
        grant_id,
        state,
        actor,
        reason,
        at,
    )


async def latest_grant(conn: Conn, org_id: uuid.UUID) -> GrantTermRow | None:
    row = await conn.fetchrow(
        "SELECT id, state, valid_from, valid_until FROM label_grants WHERE organisation_id = $1"
        " ORDER BY valid_from DESC LIMIT 1",
        org_id,
    )
    return row_of(GrantTermRow, row)


async def grant_history(conn: Conn, org_id: uuid.UUID) -> list[tuple[str, datetime]]:
    rows = await conn.fetch(
        "SELECT h.state, h.at FROM label_grant_history h JOIN label_grants g ON g.id = h.grant_id"
        " WHERE g.organisation_id = $1 ORDER BY h.at, g.valid_from",
        org_id,
    )
    return [(r["state"], r["at"]) for r in rows]


async def due_grants(conn: Conn, now: datetime) -> list[uuid.UUID]:
    rows = await conn.fetch(
        "SELECT id FROM label_grants WHERE state IN ('active', 'suspended')"
        " AND valid_until <= $1 ORDER BY valid_until LIMIT 100 FOR UPDATE SKIP LOCKED",
        now,
    )
    return [r["id"] for r in rows]


async def valid_grants(conn: Conn) -> list[ValidGrantRow]:
    rows = await conn.fetch(
        "SELECT g.id, g.organisation_id, g.valid_from, a.scheme_version FROM label_grants g"
        " JOIN label_applications a ON a.id = g.application_id"
        " WHERE g.state = 'active' ORDER BY g.valid_from"
    )
    return rows_of(ValidGrantRow, rows)
