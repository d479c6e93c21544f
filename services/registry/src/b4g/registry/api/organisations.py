"""Organisations: registration and registry status (registry admin), the facts the Quality
Label's checks read, and an organisation's public record."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import Body, FromPath, JSONBody

from b4g.registry.api.caching import PUBLIC_CACHE, cached_json
from b4g.registry.api.deps import API_KEY, Caller, Ctx
from b4g.registry.api.examples import DID_EXAMPLE, ORG_ID
from b4g.registry.domain.public import PublicOrganisation
from b4g.registry.usecases import directory, organisations
from b4g.registry.usecases.organisations import (
    AcceptedValues,
    NewOrganisation,
    Organisation,
    Platform,
    PlatformRegistration,
    StatusChange,
    ValuesAcceptance,
)


@post(
    "/organisations",
    tags=["organisations"],
    security=API_KEY,
    summary="Register an organisation",
    description="Registry admins register an organisation that issues badges.",
    status_code=201,
)
async def create_organisation(
    ctx: Ctx,
    principal: Caller,
    data: Annotated[
        NewOrganisation,
        Body(
            examples=[
                Example(
                    summary="A youth centre",
                    value={
                        "legalName": "Kaunas Youth Centre",
                        "country": "LT",
                        "website": "https://kyc.example",
                        "contactEmail": "info@kyc.example",
                    },
                )
            ]
        ),
    ],
) -> Organisation:
    return await organisations.create(ctx, principal, data)


@post(
    "/organisations/{org_id:uuid}/status",
    tags=["organisations"],
    security=API_KEY,
    summary="Change an organisation's registry status",
    status_code=200,
)
async def change_status(
    ctx: Ctx, principal: Caller, org_id: FromPath[uuid.UUID], data: JSONBody[StatusChange]
) -> Organisation:
    return await organisations.set_status(ctx, principal, org_id, data)


@put(
    "/organisations/{org_id:uuid}/platforms/{platform:str}",
    tags=["organisations"],
    security=API_KEY,
    summary="Record a network platform registration and whether its organiser account is "
    "verified (registry admin)",
)
async def set_platform(
    ctx: Ctx,
    principal: Caller,
    org_id: FromPath[uuid.UUID],
    platform: FromPath[Annotated[str, msgspec.Meta(min_length=1, max_length=100)]],
    data: Annotated[
        PlatformRegistration,
        Body(
            examples=[
                Example(
                    summary="A verified Cities of Learning organiser",
                    value={"accountId": "col-4711", "organiserVerified": True},
                )
            ]
        ),
    ],
) -> list[Platform]:
    return await organisations.set_platform(ctx, principal, org_id, platform, data)


@post(
    "/organisations/{org_id:uuid}/values-acceptances",
    tags=["organisations"],
    status_code=201,
    security=API_KEY,
    summary="Accept a version of the network's values (organisation admin, or registry admin)",
)
async def accept_values(
    ctx: Ctx, principal: Caller, org_id: FromPath[uuid.UUID], data: JSONBody[ValuesAcceptance]
) -> list[AcceptedValues]:
    return await organisations.accept_values(ctx, principal, org_id, data)


LABEL_EXAMPLE = {
    "status": "active",
    "heldNow": True,
    "validFrom": "2026-01-15T09:00:00Z",
    "validUntil": "2029-01-14T09:00:00Z",
    "history": [{"status": "active", "start": "2026-01-15T09:00:00Z", "end": None}],
}
ORGANISATION_EXAMPLE = Example(
    summary="A labelled organisation",
    value={
        "id": ORG_ID,
        "legalName": "Kaunas Youth Centre",
        "country": "LT",
        "website": "https://kyc.example",
        "registryStatus": "active",
        "registryStatusHistory": [{"status": "active", "since": "2025-11-02T10:00:00Z"}],
        "dids": [{"did": DID_EXAMPLE, "validFrom": "2025-11-02T10:05:00Z", "validUntil": None}],
        "label": LABEL_EXAMPLE,
    },
)


@get(
    "/organisations/{org_id:uuid}/public",
    tags=["public"],
    summary="An organisation's public record",
    description=(
        "Legal name, country, website, registry status with its history, the DIDs it proved"
        " control of, and its Quality Label (status, validity, history). Contact details and"
        " internal notes are never shown. Cacheable; send `If-None-Match` for 304."
    ),
    responses={
        200: ResponseSpec(
            data_container=PublicOrganisation,
            description="The public record",
            examples=[ORGANISATION_EXAMPLE],
        )
    },
)
async def public_organisation(
    ctx: Ctx, request: Request[Any, Any, Any], org_id: FromPath[uuid.UUID]
) -> Response[PublicOrganisation]:
    found = await directory.organisation(ctx, org_id)
    return cached_json(request, msgspec.json.encode(found), PUBLIC_CACHE)


ROUTES = [create_organisation, change_status, set_platform, accept_values, public_organisation]
