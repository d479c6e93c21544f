"""PostgreSQL access: one asyncpg pool per process; database bootstrap for runners and tests."""

from __future__ import annotations

import json
from typing import Any, Union
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import msgspec
from asyncpg.pool import PoolConnectionProxy

# What a store function receives: a plain connection or one borrowed from the pool.
Conn = Union["asyncpg.Connection[asyncpg.Record]", "PoolConnectionProxy[asyncpg.Record]"]


_encode_json = msgspec.json.encode
_decode_json = msgspec.json.decode


# What a caller meets while PostgreSQL is down, restarting or out of connections: the transaction
# did not commit (or its outcome is unknown, which an Idempotency-Key resolves), so the work may
# be retried. Asyncpg reports a connection lost mid-query in several ways.
DATABASE_DOWN: tuple[type[Exception], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, "starting up"
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections
    asyncpg.exceptions.InternalClientError,
)


def _decode(data: bytes) -> Any:
    try:
        return _decode_json(data)
    except msgspec.ValidationError:  # a number beyond 64 bits: Python's parser keeps it exact
        return json.loads(data)


def _jsonb_out(value: Any) -> bytes:
    return b"\x01" + _encode_json(value)  # binary jsonb: format version 1, then the text


def _jsonb_in(data: bytes) -> Any:
    return _decode(data[1:])


async def _init_connection(conn: asyncpg.Connection) -> None:
    # jsonb in and out as Python values, so stores never hand-encode JSON; msgspec in the binary
    # format, because credential documents go in and out on every issuance.
    await conn.set_type_codec(
        "jsonb", encoder=_jsonb_out, decoder=_jsonb_in, schema="pg_catalog", format="binary"
    )
    await conn.set_type_codec(
        "json", encoder=_encode_json, decoder=_decode, schema="pg_catalog", format="binary"
    )


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to reset on release: our code leaves no session state behind (no SET, no session
    advisory lock, no cursor, LISTEN only while a connection is held), and asyncpg itself rolls
    back a transaction left open. Skips the reset query, a round trip per borrowed connection."""


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_keep_session,
        command_timeout=30,
    )
    assert pool is not None
    return pool


def with_database(url: str, database: str) -> str:
    """The same server URL pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "postgres"


async def ensure_database(url: str) -> None:
    """Create the database `url` names when it does not exist (needs CREATEDB on the server)."""
    name = database_name(url)
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            try:
                await admin.execute(f'CREATE DATABASE "{_identifier(name)}"')
            except asyncpg.DuplicateDatabaseError:
                pass  # another process created it first
    finally:
        await admin.close()


async def drop_database(url: str) -> None:
    name = database_name(url)
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{_identifier(name)}" WITH (FORCE)')
    finally:
        await admin.close()


def _identifier(name: str) -> str:
    if not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"unsafe database name {name!r}")
    return name
