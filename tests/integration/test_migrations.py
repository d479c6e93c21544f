"""Migrations against real PostgreSQL: ordered, recorded, tamper-evident, safe in parallel."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from b4g.core.infra.migrate import Migration, MigrationError, apply_migrations, migrate

pytestmark = pytest.mark.integration

FIRST = Migration("test.app", 1, "things", "CREATE TABLE things (id int PRIMARY KEY)")
SECOND = Migration("test.app", 2, "more", "ALTER TABLE things ADD COLUMN name text")


async def test_applies_in_order_once(database):
    assert [m.version for m in await migrate(database, [FIRST, SECOND])][-2:] == [1, 2]
    assert await migrate(database, [FIRST, SECOND]) == []
    conn = await asyncpg.connect(database)
    try:
        rows = await conn.fetch(
            "SELECT component, version FROM schema_migrations "
            "WHERE component = 'test.app' ORDER BY version"
        )
        assert [(r["component"], r["version"]) for r in rows] == [("test.app", 1), ("test.app", 2)]
    finally:
        await conn.close()


async def test_a_changed_applied_migration_is_refused(database):
    await migrate(database, [FIRST])
    edited = Migration("test.app", 1, "things", "CREATE TABLE things (id bigint PRIMARY KEY)")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        await migrate(database, [edited])


async def test_a_failing_migration_leaves_nothing_behind(database):
    broken = Migration("test.app", 2, "broken", "ALTER TABLE things ADD COLUMN x int; SELECT 1/0")
    await migrate(database, [FIRST])
    with pytest.raises(asyncpg.DivisionByZeroError):
        await migrate(database, [FIRST, broken])
    conn = await asyncpg.connect(database)
    try:
        columns = await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'things'"
        )
        assert [c["column_name"] for c in columns] == ["id"]
    finally:
        await conn.close()


async def test_replicas_starting_together_apply_each_migration_once(database):
    async def replica() -> list[Migration]:
        conn = await asyncpg.connect(database)
        try:
            return await apply_migrations(conn, [FIRST, SECOND])
        finally:
            await conn.close()

    results = await asyncio.gather(*(replica() for _ in range(4)))
    assert sorted(len(r) for r in results) == [0, 0, 0, 2]
