"""The Quality Label scheme: public to read, versions published by a registry admin."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get, post
from litestar.params import JSONBody, Parameter

from b4g.registry.api.deps import API_KEY, Caller, Ctx
from b4g.registry.usecases import scheme
from b4g.registry.usecases.scheme import VersionedScheme


@get(
    "/scheme",
    tags=["quality label"],
    summary="The current Quality Label scheme: criteria, periods, activity and monitoring rules",
    cache=60,
)
async def current_scheme(ctx: Ctx) -> VersionedScheme:
    return await scheme.read(ctx)


@get(
    "/scheme/{version:int}",
    tags=["quality label"],
    summary="A scheme version (applications are assessed under the version they opened with)",
    cache=3600,
)
async def scheme_version(
    ctx: Ctx, version: Annotated[int, Parameter(ge=1, le=2**31 - 1)]
) -> VersionedScheme:
    return await scheme.read(ctx, version)


@post(
    "/scheme",
    tags=["quality label"],
    status_code=201,
    security=API_KEY,
    summary="Publish a new scheme version (registry admin)",
    description="The body is a whole scheme, as `GET /scheme` returns it without `version`.",
)
async def publish_scheme(
    ctx: Ctx, principal: Caller, data: JSONBody[dict[str, Any]]
) -> VersionedScheme:
    return await scheme.publish(ctx, principal, data)


ROUTES = [current_scheme, scheme_version, publish_scheme]
