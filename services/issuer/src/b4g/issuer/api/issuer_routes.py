"""Issuer profiles and their keys (authenticated), DID documents and JWKS (public)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, get, post, put
from litestar.params import FromPath

from b4g.issuer.domain.access import SCOPE_MANAGE, SCOPE_READ
from b4g.issuer.domain.identifiers import did_document_path
from b4g.issuer.usecases import issuers
from b4g.issuer.usecases.context import IssuerContext

from .auth import require
from .deps import API_KEY, Caller, Ctx
from .models import (
    IssuerOut,
    NewIssuerIn,
    ProfileIn,
    VerificationMethodOut,
    body_with_examples,
    fields_of,
)
from .paging import Limit, Offset

PROFILE_EXAMPLE = {
    "name": "Cities of Learning Vilnius",
    "url": "https://vilnius.citiesoflearning.eu",
    "email": "badges@citiesoflearning.eu",
    "description": "Recognises learning that happens across the city.",
    "image": {"id": "https://vilnius.citiesoflearning.eu/logo.png", "caption": "Logo"},
    "address": {"addressCountry": "Lithuania", "addressLocality": "Vilnius"},
    "otherIdentifier": [{"identifier": "302345678", "identifierType": "registryId"}],
}

NewIssuerBody = Annotated[
    NewIssuerIn, body_with_examples("A city's issuer profile", {**PROFILE_EXAMPLE})
]
ProfileBody = Annotated[ProfileIn, body_with_examples("An updated profile", PROFILE_EXAMPLE)]


def issuer_out(ctx: IssuerContext, details: issuers.IssuerDetails) -> IssuerOut:
    issuer = details.issuer
    return IssuerOut(
        id=str(issuer.id),
        did=issuer.did,
        did_method=issuer.did_method,
        did_document_url=(
            ctx.base_url + did_document_path(issuer.id) if issuer.did_method == "web" else None
        ),
        jwks_url=f"{ctx.base_url}/issuers/{issuer.id}/jwks.json",
        allow_suspension=issuer.allow_suspension,
        version=issuer.version,
        profile=details.profile,
        verification_methods=[
            VerificationMethodOut(
                key_id=str(key.id),
                id=key.verification_method,
                public_key_multibase=key.public_key_multibase,
                state=key.state,
                created_at=key.created_at,
                retired_at=key.retired_at,
                compromised_at=key.compromised_at,
            )
            for key in details.keys
        ],
        created_at=issuer.created_at,
        updated_at=issuer.updated_at,
    )


class IssuersController(Controller):
    path = "/issuers"
    tags = ["issuers"]  # noqa: RUF012 - Litestar reads it as a class attribute
    security = API_KEY

    @post(
        "/",
        summary="Create an issuer profile with a new Ed25519 signing key",
        description=(
            "The service generates the key and keeps it encrypted; it is never returned. The "
            "issuer's identifier is a did:web under this service (default) or a did:key "
            "(`didMethod: key`, which cannot rotate). `allowSuspension: true` gives every "
            "credential a second status entry (suspension) besides revocation. Needs `manage`."
        ),
    )
    async def create_issuer(self, ctx: Ctx, principal: Caller, data: NewIssuerBody) -> IssuerOut:
        require(principal, SCOPE_MANAGE)
        details = await issuers.create_issuer(
            ctx,
            principal,
            profile=fields_of(data, drop=("didMethod", "allowSuspension")),
            did_method=data.did_method,
            allow_suspension=data.allow_suspension,
        )
        return issuer_out(ctx, details)

    @get("/", summary="List the platform's issuers")
    async def list_issuers(
        self, ctx: Ctx, principal: Caller, limit: Limit = 50, offset: Offset = 0
    ) -> list[IssuerOut]:
        require(principal, SCOPE_READ)
        found = await issuers.list_issuers(ctx, principal, limit=limit, offset=offset)
        return [issuer_out(ctx, details) for details in found]

    @get("/{issuer_id:uuid}", summary="Get an issuer profile and its verification methods")
    async def get_issuer(
        self, ctx: Ctx, principal: Caller, issuer_id: FromPath[uuid.UUID]
    ) -> IssuerOut:
        require(principal, SCOPE_READ)
        return issuer_out(ctx, await issuers.get_issuer(ctx, principal, issuer_id))

    @put(
        "/{issuer_id:uuid}",
        summary="Replace the issuer's profile fields",
        description="New credentials embed the new profile; `issuer.upserted` is published.",
    )
    async def update_issuer(
        self, ctx: Ctx, principal: Caller, issuer_id: FromPath[uuid.UUID], data: ProfileBody
    ) -> IssuerOut:
        require(principal, SCOPE_MANAGE)
        details = await issuers.update_profile(ctx, principal, issuer_id, fields_of(data))
        return issuer_out(ctx, details)

    @post(
        "/{issuer_id:uuid}/keys/rotate",
        summary="Rotate the signing key",
        description=(
            "A new key signs from now on. The previous key stays in the DID document (state "
            "`retired`), so credentials it signed keep verifying. did:web issuers only."
        ),
        status_code=200,
    )
    async def rotate_key(
        self, ctx: Ctx, principal: Caller, issuer_id: FromPath[uuid.UUID]
    ) -> IssuerOut:
        require(principal, SCOPE_MANAGE)
        return issuer_out(ctx, await issuers.rotate_key(ctx, principal, issuer_id))

    @post(
        "/{issuer_id:uuid}/keys/{key_id:uuid}/compromised",
        summary="Mark a key compromised",
        description=(
            "The key is removed from the DID document and JWKS: nothing it signed verifies any "
            "more. If it was the signing key, a new key replaces it."
        ),
        status_code=200,
    )
    async def mark_compromised(
        self,
        ctx: Ctx,
        principal: Caller,
        issuer_id: FromPath[uuid.UUID],
        key_id: FromPath[uuid.UUID],
    ) -> IssuerOut:
        require(principal, SCOPE_MANAGE)
        details = await issuers.mark_key_compromised(ctx, principal, issuer_id, key_id)
        return issuer_out(ctx, details)


class PublicDocumentsController(Controller):
    path = "/issuers"
    tags = ["public documents"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @get(
        "/{issuer_id:uuid}/did.json",
        summary="DID document of a did:web issuer (public)",
        description=(
            "Every key that may still verify (active and retired) as a Multikey verification "
            "method under assertionMethod; compromised keys are left out."
        ),
        media_type="application/did+json",
        cache_control=None,
    )
    async def did_document(self, ctx: Ctx, issuer_id: FromPath[uuid.UUID]) -> dict[str, Any]:
        return await issuers.public_did_document(ctx, issuer_id)

    @get(
        "/{issuer_id:uuid}/jwks.json",
        summary="JSON Web Key Set of an issuer (public), for VC-JWT",
        media_type="application/jwk-set+json",
    )
    async def jwks(self, ctx: Ctx, issuer_id: FromPath[uuid.UUID]) -> dict[str, Any]:
        return await issuers.public_jwks(ctx, issuer_id)
