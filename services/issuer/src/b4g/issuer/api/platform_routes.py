"""The calling platform's own API keys: create (rotate), list, revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath

from b4g.issuer.domain.access import ALL_SCOPES, SCOPE_MANAGE, ApiKey, UnknownScopeError
from b4g.issuer.domain.errors import InvalidRequest
from b4g.issuer.usecases import platforms

from .auth import require
from .deps import API_KEY, Caller, Ctx
from .models import body_with_examples


class NewApiKeyRequest(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    name: str = ""
    scopes: list[str] | None = None  # every scope when omitted


class ApiKeyView(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    key_id: str
    name: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None = None


class NewApiKeyView(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    key_id: str
    name: str
    scopes: list[str]
    created_at: datetime
    token: str


def _view(row: ApiKey) -> ApiKeyView:
    return ApiKeyView(
        key_id=row.key_id,
        name=row.name,
        scopes=list(row.scopes),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


class PlatformKeysController(Controller):
    path = "/platform/api-keys"
    tags = ["platform"]  # noqa: RUF012 - Litestar reads it as a class attribute
    security = API_KEY

    @post(
        "/",
        summary="Create an API key (rotation: create a new key, then revoke the old one)",
        description=(
            "The token is returned once and never again; store it in your secrets manager. "
            f"Scopes: {', '.join(ALL_SCOPES)} (all when omitted). Needs the `manage` scope."
        ),
    )
    async def create_key(
        self,
        ctx: Ctx,
        principal: Caller,
        data: Annotated[
            NewApiKeyRequest,
            body_with_examples("An issuing-only key", {"name": "lms", "scopes": ["issue"]}),
        ],
    ) -> NewApiKeyView:
        require(principal, SCOPE_MANAGE)
        try:
            key = await platforms.create_api_key(
                ctx.pool, principal.platform_id, name=data.name, scopes=data.scopes
            )
        except UnknownScopeError as exc:
            raise InvalidRequest(str(exc)) from exc
        return NewApiKeyView(
            key_id=key.key_id,
            name=key.name,
            scopes=list(key.scopes),
            created_at=key.created_at,
            token=key.token,
        )

    @get("/", summary="List the platform's API keys (never their secrets)")
    async def list_keys(self, ctx: Ctx, principal: Caller) -> list[ApiKeyView]:
        require(principal, SCOPE_MANAGE)
        rows = await platforms.list_api_keys(ctx.pool, principal.platform_id)
        return [_view(row) for row in rows]

    @delete(
        "/{key_id:str}",
        summary="Revoke an API key",
        description="Requests with a revoked key are refused with 401 from then on.",
        status_code=200,
    )
    async def revoke_key(self, ctx: Ctx, principal: Caller, key_id: FromPath[str]) -> ApiKeyView:
        require(principal, SCOPE_MANAGE)
        row = await platforms.revoke_api_key(
            ctx.pool, principal.platform_id, key_id, known=ctx.known_keys
        )
        return _view(row)
