"""Achievements of an issuer: create, update (a new version each time), read."""

from __future__ import annotations

import uuid
from typing import Any

from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.achievements import Achievement, achievement_document
from b4g.issuer.domain.errors import AchievementNotFound, IssuerNotFound
from b4g.issuer.store import achievements as store
from b4g.issuer.store import issuers as issuer_store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.records import record


async def create_achievement(
    ctx: IssuerContext, principal: Principal, issuer_id: uuid.UUID, fields: dict[str, Any]
) -> Achievement:
    achievement_id = uuid.uuid4()
    async with ctx.pool.acquire() as conn, conn.transaction():
        issuer = await issuer_store.get_issuer(conn, issuer_id, platform_id=principal.platform_id)
        if issuer is None:
            raise IssuerNotFound(f"no issuer {issuer_id}")
        row = await store.insert_achievement(
            conn,
            achievement_id=achievement_id,
            platform_id=principal.platform_id,
            issuer_id=issuer_id,
            document=achievement_document(achievement_id, fields),
        )
    return record(Achievement, row)


async def update_achievement(
    ctx: IssuerContext, principal: Principal, achievement_id: uuid.UUID, fields: dict[str, Any]
) -> Achievement:
    """Credentials issued before keep the version they embed; new ones get this version."""
    async with ctx.pool.acquire() as conn, conn.transaction():
        document = achievement_document(achievement_id, fields)
        row = await store.add_version(conn, achievement_id, principal.platform_id, document)
    if row is None:
        raise AchievementNotFound(f"no achievement {achievement_id}")
    return record(Achievement, row)


async def get_achievement(
    ctx: IssuerContext, principal: Principal, achievement_id: uuid.UUID, version: int | None
) -> Achievement:
    async with ctx.pool.acquire() as conn:
        row = await store.get_achievement(
            conn, achievement_id, platform_id=principal.platform_id, version=version
        )
    if row is None:
        raise AchievementNotFound(f"no achievement {achievement_id}")
    return record(Achievement, row)


async def list_achievements(
    ctx: IssuerContext, principal: Principal, issuer_id: uuid.UUID, *, limit: int, offset: int
) -> list[Achievement]:
    async with ctx.pool.acquire() as conn:
        issuer = await issuer_store.get_issuer(conn, issuer_id, platform_id=principal.platform_id)
        if issuer is None:
            raise IssuerNotFound(f"no issuer {issuer_id}")
        rows = await store.list_achievements(
            conn, issuer_id, principal.platform_id, limit=limit, offset=offset
        )
    return [record(Achievement, row) for row in rows]
