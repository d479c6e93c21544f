"""SQL of four-eyes decisions: proposed by one person, confirmed by another."""

from __future__ import annotations

import uuid

from b4g.core.infra.db import Conn
from b4g.registry.store.rows import DecisionRow, row_of


async def insert_decision(
    conn: Conn,
    decision_id: uuid.UUID,
    kind: str,
    application_id: uuid.UUID | None,
    grant_id: uuid.UUID | None,
    reason: str,
    actor: str,
) -> None:
    await conn.execute(
        "INSERT INTO label_decisions (id, kind, application_id, grant_id, reason, proposed_by)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        decision_id,
        kind,
        application_id,
        grant_id,
        reason,
        actor,
    )


async def decision(conn: Conn, decision_id: uuid.UUID) -> DecisionRow | None:
    row = await conn.fetchrow(
        "SELECT id, kind, application_id, grant_id, reason, proposed_by, confirmed_by"
        " FROM label_decisions WHERE id = $1 FOR UPDATE",
        decision_id,
    )
    return row_of(DecisionRow, row)


async def confirm_decision(conn: Conn, decision_id: uuid.UUID, actor: str) -> None:
    await conn.execute(
        "UPDATE label_decisions SET confirmed_by = $2, confirmed_at = now() WHERE id = $1",
        decision_id,
        actor,
    )
