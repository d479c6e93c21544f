"""Platforms (tenants) and their API keys: create, rotate, revoke, authenticate."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from b4g.core.infra.apikeys import generate_api_key, parse_token, secret_matches
from b4g.core.infra.ttl_cache import TtlCache
from b4g.issuer.domain.access import ApiKey, Principal, normalise_scopes
from b4g.issuer.domain.errors import ApiKeyNotFound, InvalidApiKey, PlatformNotFound
from b4g.issuer.store import platforms as store
from b4g.issuer.usecases.records import record


@dataclass(frozen=True, slots=True)
class IssuedApiKey:
    key_id: str
    platform_id: uuid.UUID
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    token: str  # shown once

    def __repr__(self) -> str:
        return f"IssuedApiKey(key_id={self.key_id!r}, token=<hidden>)"


async def create_platform(pool: asyncpg.Pool, name: str) -> store.PlatformRow:
    async with pool.acquire() as conn:
        return await store.insert_platform(conn, uuid.uuid4(), name.strip())


async def create_api_key(
    pool: asyncpg.Pool, platform_id: uuid.UUID, *, name: str = "", scopes: list[str] | None = None
) -> IssuedApiKey:
    """A new key (also how keys are rotated: create the new one, then revoke the old)."""
    granted = normalise_scopes(scopes)
    new = generate_api_key()
    async with pool.acquire() as conn, conn.transaction():
        if not await store.platform_exists(conn, platform_id):
            raise PlatformNotFound(f"no platform {platform_id}")
        row = await store.insert_api_key(
            conn,
            key_id=new.key_id,
            platform_id=platform_id,
            name=name,
            scopes=granted,
            secret_hash=new.secret_hash,
        )
    return IssuedApiKey(row.key_id, platform_id, row.name, row.scopes, row.created_at, new.token)


async def list_api_keys(pool: asyncpg.Pool, platform_id: uuid.UUID) -> list[ApiKey]:
    async with pool.acquire() as conn:
        return [record(ApiKey, row) for row in await store.list_api_keys(conn, platform_id)]


async def revoke_api_key(
    pool: asyncpg.Pool, platform_id: uuid.UUID, key_id: str, *, known: KnownKeys | None = None
) -> ApiKey:
    async with pool.acquire() as conn:
        row = await store.revoke_api_key(conn, platform_id, key_id)
    if row is None:
        raise ApiKeyNotFound(f"no API key {key_id}")
    if known is not None:
        known.discard(key_id)  # refused by this process at once, by the others within the TTL
    return record(ApiKey, row)


# API-key rows by key id, briefly kept (IssuerContext.known_keys).
KnownKeys = TtlCache[str, store.ApiKeyRow | None]


async def authenticate(
    pool: asyncpg.Pool, token: str | None, known: KnownKeys | None = None
) -> Principal:
    """The caller behind a bearer token; InvalidApiKey for anything else, with one message.
    The secret is checked on every request, whether the key's row came from `known` or not."""
    presented = parse_token(token) if token else None
    if presented is None:
        raise InvalidApiKey("send `Authorization: Bearer b4g_<key id>_<secret>`")

    async def load() -> store.ApiKeyRow | None:
        async with pool.acquire() as conn:
            return await store.get_api_key(conn, presented.key_id)

    row = await (known.get_or_load(presented.key_id, load) if known is not None else load())
    if row is None or row.revoked_at is not None or not secret_matches(presented, row.secret_hash):
        raise InvalidApiKey()
    return Principal(row.platform_id, row.key_id, frozenset(row.scopes))
