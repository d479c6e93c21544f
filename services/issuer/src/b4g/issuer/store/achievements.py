"""SQL of achievements and their versions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from b4g.core.infra.db import Conn


@dataclass(frozen=True, slots=True)
class AchievementRow:
    id: uuid.UUID
    platform_id: uuid.UUID
    issuer_id: uuid.UUID
    version: int
    document: dict[str, Any]  # the OB 3.0 Achievement of this version
    created_at: datetime
    updated_at: datetime


# In the order of AchievementRow's fields: a row or ROW(...) of these builds one by position.
COLUMNS = "a.id, a.platform_id, a.issuer_id, v.version, v.body, a.created_at, v.created_at"
_SELECT = (
    f"SELECT {COLUMNS} FROM achievements a"  # noqa: S608 (constant columns)
    " JOIN achievement_versions v ON v.achievement_id = a.id"
)


async def insert_achievement(
    conn: Conn,
    *,
    achievement_id: uuid.UUID,
    platform_id: uuid.UUID,
    issuer_id: uuid.UUID,
    document: dict[str, Any],
) -> AchievementRow:
    await conn.execute(
        "INSERT INTO achievements (id, platform_id, issuer_id, current_version)"
        " VALUES ($1, $2, $3, 1)",
        achievement_id,
        platform_id,
        issuer_id,
    )
    await conn.execute(
        "INSERT INTO achievement_versions (achievement_id, version, body) VALUES ($1, 1, $2)",
        achievement_id,
        document,
    )
    found = await get_achievement(conn, achievement_id, platform_id=platform_id)
    assert found is not None
    return found


async def add_version(
    conn: Conn, achievement_id: uuid.UUID, platform_id: uuid.UUID, document: dict[str, Any]
) -> AchievementRow | None:
    """A new current version; None when the achievement is not this platform's."""
    version = await conn.fetchval(
        "UPDATE achievements SET current_version = current_version + 1, updated_at = now()"
        " WHERE id = $1 AND platform_id = $2 RETURNING current_version",
        achievement_id,
        platform_id,
    )
    if version is None:
        return None
    await conn.execute(
        "INSERT INTO achievement_versions (achievement_id, version, body) VALUES ($1, $2, $3)",
        achievement_id,
        version,
        document,
    )
    return await get_achievement(conn, achievement_id, platform_id=platform_id)


async def get_achievement(
    conn: Conn, achievement_id: uuid.UUID, *, platform_id: uuid.UUID, version: int | None = None
) -> AchievementRow | None:
    """The current version, or `version`; only when the achievement is this platform's."""
    row = await conn.fetchrow(
        _SELECT + " WHERE a.id = $1 AND a.platform_id = $2"
        " AND v.version = coalesce($3, a.current_version)",
        achievement_id,
        platform_id,
        version,
    )
    return achievement_row(row) if row is not None else None


async def list_achievements(
    conn: Conn, issuer_id: uuid.UUID, platform_id: uuid.UUID, *, limit: int, offset: int
) -> list[AchievementRow]:
    rows = await conn.fetch(
        _SELECT + " WHERE a.issuer_id = $1 AND a.platform_id = $2"
        " AND v.version = a.current_version ORDER BY a.created_at, a.id LIMIT $3 OFFSET $4",
        issuer_id,
        platform_id,
        limit,
        offset,
    )
    return [achievement_row(row) for row in rows]


def achievement_row(values: Iterable[Any]) -> AchievementRow:
    """From a row, or a ROW(...) value, of COLUMNS."""
    return AchievementRow(*values)
