"""Reading issued credentials, one by id or a filtered page, within the caller's platform."""

from __future__ import annotations

import uuid

from b4g.issuer.domain.access import Principal
from b4g.issuer.store import credentials as store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.errors import CredentialNotFound


async def get_credential(
    ctx: IssuerContext, principal: Principal, credential_id: uuid.UUID
) -> tuple[store.CredentialRow, list[store.StatusChangeRow]]:
    async with ctx.pool.acquire() as conn:
        row = await store.get_credential(conn, credential_id, principal.platform_id)
        if row is None:
            raise CredentialNotFound(f"no credential {credential_id}")
        return row, await store.status_history(conn, credential_id)


async def list_credentials(
    ctx: IssuerContext,
    principal: Principal,
    where: store.CredentialFilter,
    *,
    limit: int,
    offset: int,
) -> list[store.CredentialRow]:
    async with ctx.pool.acquire() as conn:
        return await store.list_credentials(
            conn, principal.platform_id, where, limit=limit, offset=offset
        )
