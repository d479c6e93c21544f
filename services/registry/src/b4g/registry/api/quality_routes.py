"""HTTP API of the Quality Label's scheme, organisation facts, check evidence and monitoring
cases. The scheme is public; everything else needs a role key."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post, put
from litestar.datastructures import State
from litestar.openapi.spec import Example
from litestar.params import Body, FromPath, FromQuery, JSONBody, Parameter

from b4g.registry.api.routes import API_KEY, principal
from b4g.registry.usecases.quality import QualityLabel

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class PlatformRegistration(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    account_id: Text
    organiser_verified: bool = False


class ValuesAcceptance(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    version: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class CaseClosure(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


def quality_of(state: State) -> QualityLabel:
    if "quality" not in state:
        state.quality = QualityLabel(state.runtime.require_pool())
    quality: QualityLabel = state.quality
    return quality


@get(
    "/scheme",
    tags=["quality label"],
    summary="The current Quality Label scheme: criteria, periods, activity and monitoring rules",
    cache=60,
)
async def current_scheme(state: State) -> dict[str, Any]:
    return await quality_of(state).scheme()


@get(
    "/scheme/{version:int}",
    tags=["quality label"],
    summary="A scheme version (applications are assessed under the version they opened with)",
    cache=3600,
)
async def scheme_version(
    state: State, version: Annotated[int, Parameter(ge=1, le=2**31 - 1)]
) -> dict[str, Any]:
    return await quality_of(state).scheme(version)


@post(
    "/scheme",
    tags=["quality label"],
    status_code=201,
    security=API_KEY,
    summary="Publish a new scheme version (registry admin)",
    description="The body is a whole scheme, as `GET /scheme` returns it without `version`.",
)
async def publish_scheme(
    state: State, request: Request[Any, Any, Any], data: JSONBody[dict[str, Any]]
) -> dict[str, Any]:
    who = await principal(state, request)
    return await quality_of(state).publish_scheme(who, data)


@put(
    "/organisations/{org_id:uuid}/platforms/{platform:str}",
    tags=["organisations"],
    security=API_KEY,
    summary="Record a network platform registration and whether its organiser account is "
    "verified (registry admin)",
)
async def set_platform(
    state: State,
    request: Request[Any, Any, Any],
    org_id: FromPath[uuid.UUID],
    platform: FromPath[Annotated[str, msgspec.Meta(min_length=1, max_length=100)]],
    data: Annotated[
        PlatformRegistration,
        Body(
            examples=[
                Example(
                    summary="A verified Cities of Learning organiser",
                    value={"account_id": "col-4711", "organiser_verified": True},
                )
            ]
        ),
    ],
) -> list[dict[str, Any]]:
    who = await principal(state, request)
    return await quality_of(state).set_platform(
        who, org_id, platform, data.account_id, data.organiser_verified
    )


@post(
    "/organisations/{org_id:uuid}/values-acceptances",
    tags=["organisations"],
    status_code=201,
    security=API_KEY,
    summary="Accept a version of the network's values (organisation admin, or registry admin)",
)
async def accept_values(
    state: State,
    request: Request[Any, Any, Any],
    org_id: FromPath[uuid.UUID],
    data: JSONBody[ValuesAcceptance],
) -> list[dict[str, Any]]:
    who = await principal(state, request)
    return await quality_of(state).accept_values(who, org_id, data.version)


@get(
    "/applications/{app_id:uuid}",
    tags=["quality label"],
    security=API_KEY,
    summary="An application with its history and automatic-check evidence",
)
async def application(
    state: State, request: Request[Any, Any, Any], app_id: FromPath[uuid.UUID]
) -> dict[str, Any]:
    who = await principal(state, request)
    return await quality_of(state).application(who, app_id)


@post(
    "/applications/{app_id:uuid}/checks",
    tags=["quality label"],
    status_code=201,
    security=API_KEY,
    summary="Run the automatic checks again and keep the result as evidence (assessor)",
)
async def run_checks(
    state: State, request: Request[Any, Any, Any], app_id: FromPath[uuid.UUID]
) -> dict[str, Any]:
    who = await principal(state, request)
    return await quality_of(state).run_checks(who, app_id)


@get(
    "/cases",
    tags=["quality label"],
    security=API_KEY,
    summary="Monitoring cases on valid labels: inactivity, revocation spikes, DIDs that stopped "
    "resolving (committee)",
)
async def list_cases(
    state: State, request: Request[Any, Any, Any], open_only: FromQuery[bool] = True
) -> list[dict[str, Any]]:
    who = await principal(state, request)
    return await quality_of(state).cases(who, open_only=open_only)


@post(
    "/cases/{case_id:uuid}/close",
    tags=["quality label"],
    security=API_KEY,
    summary="Close a monitoring case with a note (committee)",
)
async def close_case(
    state: State,
    request: Request[Any, Any, Any],
    case_id: FromPath[uuid.UUID],
    data: JSONBody[CaseClosure],
) -> dict[str, Any]:
    who = await principal(state, request)
    return await quality_of(state).close_case(who, case_id, data.note)


QUALITY_ROUTES = [
    current_scheme,
    scheme_version,
    publish_scheme,
    set_platform,
    accept_values,
    application,
    run_checks,
    list_cases,
    close_case,
]
