"""Reading issued credentials (one by id, a filtered page, or baked into a badge image), within
the caller's platform."""

from __future__ import annotations

import uuid
from typing import Any

from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.badge_images import (
    ImageKind,
    achievement_image_uri,
    bake,
    data_uri_image,
)
from b4g.issuer.domain.credentials import Credential, CredentialQuery, StatusChange
from b4g.issuer.domain.errors import CredentialNotFound
from b4g.issuer.store import achievements as achievement_store
from b4g.issuer.store import credentials as store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.records import record


async def get_credential(
    ctx: IssuerContext, principal: Principal, credential_id: uuid.UUID
) -> tuple[Credential, list[StatusChange]]:
    async with ctx.pool.acquire() as conn:
        row = await store.get_credential(conn, credential_id, principal.platform_id)
        if row is None:
            raise CredentialNotFound(f"no credential {credential_id}")
        history = await store.status_history(conn, credential_id)
    return record(Credential, row), [record(StatusChange, change) for change in history]


async def list_credentials(
    ctx: IssuerContext,
    principal: Principal,
    where: CredentialQuery,
    *,
    limit: int,
    offset: int,
) -> list[Credential]:
    async with ctx.pool.acquire() as conn:
        rows = await store.list_credentials(
            conn,
            principal.platform_id,
            record(store.CredentialFilter, where),
            limit=limit,
            offset=offset,
        )
    return [record(Credential, row) for row in rows]


async def baked_credential(
    ctx: IssuerContext, principal: Principal, credential_id: uuid.UUID, kind: ImageKind
) -> bytes:
    """The credential baked into its achievement's image (a `data:` URI of that kind) or the
    default badge. JSON-LD when the credential has it, else the compact VC-JWT."""
    async with ctx.pool.acquire() as conn:
        row = await store.get_credential(conn, credential_id, principal.platform_id)
        if row is None:
            raise CredentialNotFound(f"no credential {credential_id}")
        achievement = None
        if row.achievement_id is not None:  # W3C VC API credentials have none
            achievement = await achievement_store.get_achievement(
                conn, row.achievement_id, platform_id=principal.platform_id,
                version=row.achievement_version,
            )  # fmt: skip
    document = achievement.document if achievement is not None else {}
    baked: dict[str, Any] | str | None = row.document if row.document is not None else row.jwt
    assert baked is not None  # every credential has one of the two
    image = data_uri_image(achievement_image_uri(document), kind)
    return bake(image, kind, baked, str(document.get("name", "Open Badge")))
