"""SQL of achievement artwork (the images baked badges are drawn from)."""

from __future__ import annotations

import uuid

from b4g.core.infra.db import Conn


async def put_artwork(
    conn: Conn, achievement_id: uuid.UUID, kind: str, content: bytes, sha256: str, source: str
) -> None:
    await conn.execute(
        """
        INSERT INTO achievement_artwork (achievement_id, kind, content, sha256, source)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (achievement_id, kind) DO UPDATE SET content = EXCLUDED.content,
            sha256 = EXCLUDED.sha256, source = EXCLUDED.source, created_at = now()
        """,
        achievement_id,
        kind,
        content,
        sha256,
        source,
    )


async def artwork(conn: Conn, achievement_id: uuid.UUID) -> dict[str, bytes]:
    """The achievement's artwork by kind (`png`, `svg`); empty when it has none."""
    rows = await conn.fetch(
        "SELECT kind, content FROM achievement_artwork WHERE achievement_id = $1", achievement_id
    )
    return {row["kind"]: bytes(row["content"]) for row in rows}
