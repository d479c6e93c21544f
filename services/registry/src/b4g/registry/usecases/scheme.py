"""The Quality Label scheme as versioned data: public to read, published by a registry admin.
Applications keep the version they were opened under."""

from __future__ import annotations

from typing import Any

import msgspec

from b4g.registry.domain.access import Principal
from b4g.registry.domain.errors import InvalidScheme
from b4g.registry.domain.scheme import Scheme
from b4g.registry.store import scheme as store
from b4g.registry.usecases import audit
from b4g.registry.usecases.context import RegistryContext
from b4g.registry.usecases.label_evidence import current_scheme


class VersionedScheme(Scheme, frozen=True, kw_only=True, rename="camel"):
    version: int


def _versioned(version: int, scheme: Scheme) -> VersionedScheme:
    return VersionedScheme(version=version, **msgspec.structs.asdict(scheme))


async def read(ctx: RegistryContext, version: int | None = None) -> VersionedScheme:
    async with ctx.pool.acquire() as conn:
        number, scheme = await current_scheme(conn, version)
    return _versioned(number, scheme)


async def publish(ctx: RegistryContext, who: Principal, data: dict[str, Any]) -> VersionedScheme:
    """A new version from a whole scheme (as `read` returns it, without `version`)."""
    who.require("scheme.publish")
    now = ctx.clock()
    try:
        scheme = msgspec.convert(data, Scheme)
    except (msgspec.ValidationError, ValueError) as exc:
        raise InvalidScheme(str(exc)) from exc
    body = msgspec.to_builtins(scheme)
    async with ctx.pool.acquire() as conn, conn.transaction():
        version = await store.insert_scheme(conn, body, who.actor)
        await audit.record(conn, now, who.actor, "scheme.publish", f"scheme:{version}", after=body)
    return _versioned(version, scheme)
