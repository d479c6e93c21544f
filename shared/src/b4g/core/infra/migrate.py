"""Versioned SQL migrations: applied in order, recorded with checksums, one runner at a time.

A migration set is a package folder of `NNNN_name.sql` files. Each file runs in its own
transaction; an applied file whose text changed is refused rather than silently skipped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

import asyncpg

from b4g.core.errors import B4GError

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 0x6234_6D69  # "b4mi": serialises migration runners across replicas

_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    component  text NOT NULL,
    version    integer NOT NULL,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (component, version)
)
"""


class MigrationError(B4GError):
    code = "migration_failed"


@dataclass(frozen=True, slots=True)
class Migration:
    component: str
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(component: str, package: str) -> list[Migration]:
    """Read the migration files of `package`, ordered by version; gaps and duplicates are errors."""
    found: list[Migration] = []
    for entry in resources.files(package).iterdir():
        match = _FILE.match(entry.name)
        if match:
            found.append(
                Migration(component, int(match[1]), match[2], entry.read_text(encoding="utf-8"))
            )
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(
                f"{component}: expected migration {expected:04d}, found "
                f"{migration.version:04d}_{migration.name}"
            )
    return found


async def apply_migrations(
    conn: asyncpg.Connection, migrations: list[Migration]
) -> list[Migration]:
    """Apply what is missing; returns the migrations applied now. Safe with concurrent runners."""
    applied_now: list[Migration] = []
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        await conn.execute(_BOOKKEEPING)
        for migration in migrations:
            row = await conn.fetchrow(
                "SELECT checksum FROM schema_migrations WHERE component = $1 AND version = $2",
                migration.component,
                migration.version,
            )
            if row is not None:
                if row["checksum"] != migration.checksum:
                    raise MigrationError(
                        f"{migration.component} migration {migration.version:04d}_{migration.name}"
                        " changed after it was applied; add a new migration instead"
                    )
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (component, version, name, checksum)"
                    " VALUES ($1, $2, $3, $4)",
                    migration.component,
                    migration.version,
                    migration.name,
                    migration.checksum,
                )
            applied_now.append(migration)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
    return applied_now


def messaging_migrations() -> list[Migration]:
    """The outbox / inbox tables every service database carries."""
    return load_migrations("b4g.core.messaging", "b4g.core.infra.migrations")


async def migrate(url: str, *service_sets: list[Migration]) -> list[Migration]:
    """Bring the database at `url` up to date with the messaging set and the service's sets."""
    conn = await asyncpg.connect(url)
    try:
        plan = messaging_migrations() + [m for s in service_sets for m in s]
        return await apply_migrations(conn, plan)
    finally:
        await conn.close()
