"""SQL of Quality Label applications: their state and history, the scheme version each is
assessed under, and the automatic-check results kept as evidence."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from b4g.core.infra.db import Conn
from b4g.registry.store.rows import (
    ApplicationRow,
    ApplicationStepRow,
    ApplicationViewRow,
    CheckRow,
    row_of,
    rows_of,
)


async def insert_application(
    conn: Conn,
    app_id: uuid.UUID,
    org_id: uuid.UUID,
    renewal_of: uuid.UUID | None,
    state: str,
    actor: str,
    scheme_version: int,
) -> None:
    await conn.execute(
        "INSERT INTO label_applications (id, organisation_id, state, renewal_of, scheme_version)"
        " VALUES ($1, $2, $3, $4, $5)",
        app_id,
        org_id,
        state,
        renewal_of,
        scheme_version,
    )
    await conn.execute(
        "INSERT INTO label_application_history (application_id, action, state, actor)"
        " VALUES ($1, 'create', $2, $3)",
        app_id,
        state,
        actor,
    )


async def application(conn: Conn, app_id: uuid.UUID) -> ApplicationRow | None:
    row = await conn.fetchrow(
        "SELECT id, organisation_id, state, renewal_of, submission, applied_at, decide_by"
        " FROM label_applications WHERE id = $1 FOR UPDATE",
        app_id,
    )
    return row_of(ApplicationRow, row)


async def move_application(
    conn: Conn,
    app_id: uuid.UUID,
    action: str,
    state: str,
    actor: str,
    reason: str | None,
    submission: dict[str, Any] | None,
    applied_at: datetime | None,
    decide_by: datetime | None,
) -> None:
    await conn.execute(
        "UPDATE label_applications SET state = $2, submission = coalesce($3, submission),"
        " applied_at = coalesce($4, applied_at), decide_by = coalesce($5, decide_by)"
        " WHERE id = $1",
        app_id,
        state,
        submission,
        applied_at,
        decide_by,
    )
    await conn.execute(
        "INSERT INTO label_application_history (application_id, action, state, actor, reason)"
        " VALUES ($1, $2, $3, $4, $5)",
        app_id,
        action,
        state,
        actor,
        reason,
    )


async def application_scheme_version(conn: Conn, app_id: uuid.UUID) -> int | None:
    version: int | None = await conn.fetchval(
        "SELECT scheme_version FROM label_applications WHERE id = $1", app_id
    )
    return version


async def application_view(conn: Conn, app_id: uuid.UUID) -> ApplicationViewRow | None:
    row = await conn.fetchrow(
        "SELECT id, organisation_id, state, renewal_of, submission, applied_at, decide_by,"
        " scheme_version, created_at FROM label_applications WHERE id = $1",
        app_id,
    )
    if row is None:
        return None
    history = await conn.fetch(
        "SELECT action, state, actor, reason, at FROM label_application_history"
        " WHERE application_id = $1 ORDER BY at",
        app_id,
    )
    return ApplicationViewRow(**row, history=rows_of(ApplicationStepRow, history))


async def insert_checks(
    conn: Conn, app_id: uuid.UUID, scheme_version: int, results: list[dict[str, Any]]
) -> None:
    await conn.execute(
        "INSERT INTO application_checks (application_id, scheme_version, results)"
        " VALUES ($1, $2, $3::jsonb)",
        app_id,
        scheme_version,
        results,
    )


async def checks(conn: Conn, app_id: uuid.UUID) -> list[CheckRow]:
    rows = await conn.fetch(
        "SELECT checked_at, scheme_version, results FROM application_checks"
        " WHERE application_id = $1 ORDER BY checked_at",
        app_id,
    )
    return rows_of(CheckRow, rows)
