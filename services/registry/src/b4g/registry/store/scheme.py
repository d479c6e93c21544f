"""SQL of the Quality Label scheme's versions."""

from __future__ import annotations

from typing import Any

from b4g.core.infra.db import Conn
from b4g.registry.store.rows import SchemeRow, row_of


async def scheme(conn: Conn, version: int | None = None) -> SchemeRow | None:
    """A scheme version (the latest when None)."""
    row = await conn.fetchrow(
        "SELECT version, scheme FROM label_schemes"
        " WHERE $1::int IS NULL OR version = $1 ORDER BY version DESC LIMIT 1",
        version,
    )
    return row_of(SchemeRow, row)


async def insert_scheme(conn: Conn, scheme: dict[str, Any], actor: str) -> int:
    # Serialised: two admins publishing at once get consecutive versions, not a clash.
    await conn.execute("LOCK TABLE label_schemes IN SHARE ROW EXCLUSIVE MODE")
    version: int = await conn.fetchval(
        "INSERT INTO label_schemes (version, scheme, published_by)"
        " SELECT coalesce(max(version), 0) + 1, $1::jsonb, $2 FROM label_schemes"
        " RETURNING version",
        scheme,
        actor,
    )
    return version
