"""API keys: created by the operator command, presented as bearer tokens by every caller."""

from __future__ import annotations

import uuid

from b4g.core.infra.apikeys import generate_api_key, parse_token, secret_matches
from b4g.registry.domain.access import Principal
from b4g.registry.domain.errors import Invalid, Unauthorized
from b4g.registry.domain.roles import ROLES
from b4g.registry.store import keys as store
from b4g.registry.usecases import audit
from b4g.registry.usecases.context import RegistryContext


async def create_key(
    ctx: RegistryContext, role: str, organisation_id: uuid.UUID | None, label: str
) -> str:
    """A new key for `role`; the token is returned once and stored only as a hash."""
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}")
    if (role == "org_admin") != (organisation_id is not None):
        raise Invalid("an org_admin key needs an organisation, other roles none")
    key = generate_api_key()
    async with ctx.pool.acquire() as conn, conn.transaction():
        await store.insert_api_key(conn, key.key_id, key.secret_hash, role, organisation_id, label)
        await audit.record(
            conn,
            ctx.clock(),
            "operator",
            "api_key.create",
            key.key_id,
            after={"role": role, "organisation_id": str(organisation_id or "")},
        )
    return key.token


async def authenticate(ctx: RegistryContext, token: str | None) -> Principal:
    presented = parse_token(token or "")
    if presented is None:
        raise Unauthorized("a registry API key is required (Authorization: Bearer …)")
    async with ctx.pool.acquire() as conn:
        row = await store.api_key(conn, presented.key_id)
    if row is None or not secret_matches(presented, bytes(row.secret_hash)):
        raise Unauthorized("unknown or revoked API key")
    return Principal(row.key_id, row.role, row.organisation_id)
